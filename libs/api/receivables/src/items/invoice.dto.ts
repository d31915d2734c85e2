import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { CURRENCIES } from '@encours/domain';
import { ListQuery } from '../shared/list.js';
import { ITEM_KINDS, ITEM_STATUSES, type InvoiceLine, type ItemKind, type ItemStatus } from './receivable-item.entity.js';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^\d{1,17}(\.\d{1,3})?$/;

export class AllocationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) paymentId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) creditNoteId: string | null;
  @ApiProperty({ example: '300.00' }) amount: string;
  @ApiProperty({ example: '2026-03-15' }) date: string;
  @ApiProperty({ nullable: true, type: String, example: 'ALLOC-2026-001' }) externalRef: string | null;
}

export class InvoiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ITEM_KINDS, example: 'invoice' }) kind: ItemKind;
  @ApiProperty({ example: 'F2026-00123' }) externalRef: string;
  @ApiProperty({ example: 'F2026-00123' }) number: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) legalEntityId: string | null;
  @ApiProperty({ example: '2026-02-01' }) issueDate: string;
  @ApiProperty({ example: '2026-03-03' }) dueDate: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '1200.00', description: 'Amount incl. VAT, decimal string' }) amount: string;
  @ApiProperty({ nullable: true, type: String, example: '200.00' }) taxAmount: string | null;
  @ApiProperty({ example: '900.00' }) openAmount: string;
  @ApiProperty({ nullable: true, type: String, example: 'PO-7781' }) poNumber: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'https://erp.example.com/invoices/F2026-00123.pdf' }) pdfUrl:
    string | null;
  @ApiProperty({ enum: ITEM_STATUSES, example: 'partially_paid' }) status: ItemStatus;
  @ApiProperty({ example: false }) disputed: boolean;
  @ApiProperty({ example: false }) settledOutside: boolean;
  @ApiProperty({ nullable: true, type: String, example: null }) closedAt: string | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, nullable: true }) lines?: InvoiceLine[] | null;
  @ApiPropertyOptional({ type: [AllocationDto] }) allocations?: AllocationDto[];
}

export class CreateInvoiceDto {
  @ApiPropertyOptional({ enum: ITEM_KINDS, default: 'invoice' }) @IsOptional() @IsIn(ITEM_KINDS) kind?: ItemKind;
  @ApiProperty({ example: 'F2026-00123' }) @IsString() @Length(1, 100) externalRef: string;
  @ApiPropertyOptional({ example: 'F2026-00123' }) @IsOptional() @IsString() @Length(1, 60) number?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() legalEntityId?: string;
  @ApiProperty({ example: '2026-02-01' }) @Matches(DATE, { message: 'issueDate must be YYYY-MM-DD' }) issueDate: string;
  @ApiProperty({ example: '2026-03-03' }) @Matches(DATE, { message: 'dueDate must be YYYY-MM-DD' }) dueDate: string;
  @ApiProperty({ example: 'EUR' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency: string;
  @ApiProperty({ example: '1200.00' })
  @Matches(AMOUNT, { message: 'amount must be a positive decimal such as 1200.00' })
  amount: string;
  @ApiPropertyOptional({ example: '200.00' })
  @IsOptional()
  @Matches(AMOUNT, { message: 'taxAmount must be a decimal such as 200.00' })
  taxAmount?: string;
  @ApiPropertyOptional({ example: 'PO-7781' }) @IsOptional() @IsString() @MaxLength(60) poNumber?: string;
  @ApiPropertyOptional({ example: 'https://erp.example.com/invoices/F2026-00123.pdf' })
  @IsOptional()
  @IsUrl({ require_protocol: true })
  pdfUrl?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() lines?: InvoiceLine[];
}

export class InvoiceQuery extends ListQuery {
  @ApiPropertyOptional({ enum: ITEM_KINDS }) @IsOptional() @IsIn(ITEM_KINDS) kind?: ItemKind;
  @ApiPropertyOptional({ enum: ITEM_STATUSES }) @IsOptional() @IsIn(ITEM_STATUSES) status?: ItemStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ description: 'Open items past their due date' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ example: '2026-03-31' })
  @IsOptional()
  @Matches(DATE, { message: 'dueBefore must be YYYY-MM-DD' })
  dueBefore?: string;
  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'dueAfter must be YYYY-MM-DD' })
  dueAfter?: string;
}

export class CreateAllocationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() invoiceId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Exactly one of paymentId and creditNoteId' })
  @IsOptional()
  @IsUUID()
  paymentId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() creditNoteId?: string;
  @ApiProperty({ example: '300.00' })
  @Matches(AMOUNT, { message: 'amount must be a positive decimal such as 300.00' })
  amount: string;
  @ApiPropertyOptional({ example: '2026-03-15', description: 'Defaults to the payment date' })
  @IsOptional()
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  date?: string;
  @ApiPropertyOptional({ example: 'ALLOC-2026-001' }) @IsOptional() @IsString() @Length(1, 100) externalRef?: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PAY-2026-0042' }) externalRef: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '2026-03-15' }) date: string;
  @ApiProperty({ example: '1500.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: 'transfer' }) method: string;
  @ApiProperty({ nullable: true, type: String, example: 'VIR SEPA 889977' }) bankReference: string | null;
  @ApiProperty({ example: '300.00' }) unallocatedAmount: string;
}

export class PaymentQuery extends ListQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ description: 'Only payments with an unallocated amount' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  unallocated?: boolean;
}

export class DisputeFlagDto {
  @ApiProperty({ example: true, description: 'true: the invoice is disputed and leaves dunning; false: the dispute is over' })
  @IsBoolean()
  disputed: boolean;

  @ApiPropertyOptional({ example: 'Quantité livrée inférieure à la quantité facturée', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
