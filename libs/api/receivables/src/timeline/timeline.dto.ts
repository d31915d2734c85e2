import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const CALL_OUTCOMES = ['reached', 'no_answer', 'wrong_contact', 'promise', 'dispute', 'voicemail'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

export class TimelineAuthorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Claire Martin' }) name: string;
}

export class TimelineRelatedDto {
  @ApiProperty({ example: 'invoice', description: 'invoice, credit_note, payment, contact, or a kind of a later module' })
  kind: string;
  @ApiProperty({ example: '0b6f7c1e-6a43-4a39-9f57-3c1f1f0e6a10' }) id: string;
  @ApiProperty({ example: 'F2026-0042' }) label: string;
}

export class TimelineItemDto {
  @ApiProperty({
    example: 'issued:0b6f7c1e-6a43-4a39-9f57-3c1f1f0e6a10',
    description: 'A uuid for recorded entries; `<fact>:<uuid>` for facts derived from the ledger',
  })
  id: string;
  @ApiProperty({
    example: 'invoice.issued',
    description:
      'note, call, invoice.issued, credit_note.issued, payment.received, invoice.paid, invoice.closed, credit_note.closed, invoice.overdue, or `<module>.<what>` from later modules',
  })
  type: string;
  @ApiProperty({ example: '2026-01-10T00:00:00.000Z', description: 'Calendar dates of the ledger are midnight UTC' })
  occurredAt: string;
  @ApiProperty({ example: 'Invoice F2026-0042 issued' }) title: string;
  @ApiPropertyOptional({ example: 'Spoke to the accountant: payment run on Friday.' }) body?: string;
  @ApiPropertyOptional({ example: '1200.00' }) amount?: string;
  @ApiPropertyOptional({ example: 'EUR' }) currency?: string;
  @ApiProperty({ example: 'receivables', description: 'The module that recorded or derived it' }) source: string;
  @ApiPropertyOptional({ type: TimelineAuthorDto }) author?: TimelineAuthorDto;
  @ApiPropertyOptional({ type: TimelineRelatedDto }) related?: TimelineRelatedDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { outcome: 'reached' },
    description: 'Details by type (call outcome, allocations of a payment, days late...)',
  })
  data?: Record<string, unknown>;
}

export class TimelinePageDto {
  @ApiProperty({ type: [TimelineItemDto] }) items: TimelineItemDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-01-10T00:00:00.000Z~issued:0b6f7c1e-6a43-4a39-9f57-3c1f1f0e6a10',
    description: 'Pass as `before` to get the next (older) page; null on the last page',
  })
  nextCursor: string | null;
}

export class TimelineQuery {
  @ApiPropertyOptional({
    example: '2026-03-01T00:00:00.000Z',
    description: 'Items strictly older than this ISO timestamp, or the `nextCursor` of the previous page',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({
    type: String,
    example: 'invoice,payment,note,call',
    description: 'Comma-separated types or families (`invoice` = invoice.issued, invoice.paid, invoice.closed, invoice.overdue)',
  })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(30)
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, {
    each: true,
    message: 'types must be a comma-separated list of event types',
  })
  types?: string[];
}

export class CreateNoteDto {
  @ApiProperty({ example: 'Customer asks for a copy of invoice F2026-0042.', minLength: 1, maxLength: 5000 })
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @Length(1, 5000)
  text: string;
}

export class CreateCallDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A contact of this customer' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiProperty({ enum: CALL_OUTCOMES, example: 'promise' })
  @IsIn(CALL_OUTCOMES)
  outcome: CallOutcome;

  @ApiPropertyOptional({ example: 'Promised to pay F2026-0042 by the end of the week.', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  @ApiPropertyOptional({
    example: '2026-03-02T09:30:00.000Z',
    description: 'When the call took place; now by default; not in the future',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 timestamp' })
  occurredAt?: string;
}
