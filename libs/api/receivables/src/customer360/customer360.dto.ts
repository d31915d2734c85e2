import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ContactDto, CustomerDto } from '../customers/customer.dto.js';
import { ITEM_KINDS, ITEM_STATUSES, type ItemKind, type ItemStatus } from '../items/receivable-item.entity.js';

export class Customer360CustomerDto extends OmitType(CustomerDto, ['contacts'] as const) {}

export class CurrencyExposureDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '1500.00' }) openAmount: string;
  @ApiProperty({ example: '500.00' }) overdueAmount: string;
  @ApiProperty({ example: 2 }) openItems: number;
}

export class ExposureDto {
  @ApiProperty({ example: '4200.00', description: 'Open amount of the open invoices (overdueAmount + notDueAmount)' })
  openAmount: string;
  @ApiProperty({ example: '1700.00', description: 'Open amount of the invoices past their due date' }) overdueAmount: string;
  @ApiProperty({ example: '300.00', description: 'Open amount of the disputed invoices (overdue or not)' })
  disputedAmount: string;
  @ApiProperty({ example: '2500.00' }) notDueAmount: string;
  @ApiProperty({ example: 4, description: 'Open invoices' }) openItems: number;
  @ApiProperty({ example: 2 }) overdueItems: number;
  @ApiProperty({ nullable: true, type: Number, example: 41, description: 'Days past due of the oldest overdue invoice' })
  oldestOverdueDays: number | null;
  @ApiProperty({ example: '150.00', description: 'Open credit notes and unallocated payments, not yet applied to invoices' })
  unappliedCreditAmount: string;
  @ApiProperty({ example: 'EUR', description: "The customer's currency: every amount above is in it" }) currency: string;
  @ApiProperty({ type: [CurrencyExposureDto], description: 'Open invoices in other currencies, not converted' })
  otherCurrencies: CurrencyExposureDto[];
}

export class PayerProfileDto {
  @ApiProperty({ nullable: true, type: Number, example: 12.5 }) avgDaysLate6m: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9.75 }) avgDaysLate12m: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 40 }) shareLate12m: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 35.5 }) shareLateAmount12m: number | null;
  @ApiProperty({ nullable: true, enum: ['improving', 'stable', 'worsening'] }) trend: string | null;
  @ApiProperty({ example: 5 }) invoiceCount12m: number;
}

export class LastPaymentDto {
  @ApiProperty({ example: '2026-02-27' }) date: string;
  @ApiProperty({ example: '1200.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

export class OpenItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ITEM_KINDS }) kind: ItemKind;
  @ApiProperty({ example: 'F2026-0042' }) number: string;
  @ApiProperty({ example: 'F2026-0042' }) externalRef: string;
  @ApiProperty({ example: '2026-01-10' }) issueDate: string;
  @ApiProperty({ example: '2026-02-09' }) dueDate: string;
  @ApiProperty({ example: '1200.00' }) amount: string;
  @ApiProperty({ example: '700.00' }) openAmount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ enum: ITEM_STATUSES }) status: ItemStatus;
  @ApiProperty({ example: false }) disputed: boolean;
  @ApiProperty({ example: 19, description: 'Days past the due date as of today (tenant time zone); 0 when not due' })
  daysPastDue: number;
}

export class Customer360Dto {
  @ApiProperty({ type: Customer360CustomerDto }) customer: Customer360CustomerDto;
  @ApiProperty({ type: [ContactDto] }) contacts: ContactDto[];
  @ApiProperty({ type: ExposureDto }) exposure: ExposureDto;
  @ApiProperty({
    type: PayerProfileDto,
    description:
      "From the customer's invoices fully paid (paid date = date of the last allocation) in its currency; windows end today",
  })
  payerProfile: PayerProfileDto;
  @ApiPropertyOptional({ type: LastPaymentDto, nullable: true }) lastPayment: LastPaymentDto | null;
  @ApiProperty({ type: [OpenItemDto], description: 'The first 20 open invoices and credit notes by due date' })
  openItems: OpenItemDto[];
  @ApiProperty({ example: '2026-03-01', description: 'The day the figures are computed for (tenant time zone)' })
  asOf: string;
}
