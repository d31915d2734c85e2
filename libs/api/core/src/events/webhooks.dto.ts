import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PageQuery } from '../http/pagination.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './webhook-delivery.entity.js';

const LOCAL_HTTP_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Why a URL cannot receive webhooks, or null: https anywhere, plain http only on this machine. */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOCAL_HTTP_HOSTS.has(url.hostname)) return null;
  if (url.protocol === 'http:') return 'url must use https (plain http is accepted for localhost and 127.0.0.1 only)';
  return 'url must be an https URL';
}

function IsWebhookUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebhookUrl',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && webhookUrlProblem(value) === null,
        defaultMessage: (args) =>
          typeof args?.value === 'string' ? (webhookUrlProblem(args.value) ?? '') : 'url must be a string',
      },
    },
    options,
  );
}

const EVENT_TYPES_DOC = 'Event types from GET /webhooks/event-types, or `*` for every event';

export class WebhookSubscriptionDto {
  @ApiProperty({ format: 'uuid', example: '0b6f5a0e-3f55-4a8e-9c39-1d3f7f2b8c11' }) id: string;
  @ApiProperty({ example: 'https://erp.example.fr/hooks/encours' }) url: string;
  @ApiProperty({ nullable: true, type: String, example: 'ERP: sync of overdue invoices' }) description: string | null;
  @ApiProperty({ type: [String], description: EVENT_TYPES_DOC, example: ['invoice.overdue', 'payment.received'] })
  eventTypes: string[];
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'User who created it' }) createdBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-23T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-23T09:30:00.000Z' }) updatedAt: string;
}

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    example: 'https://erp.example.fr/hooks/encours',
    description: 'Where events are POSTed: https, or http://localhost / http://127.0.0.1 for development',
  })
  @IsString()
  @MaxLength(2000)
  @IsWebhookUrl()
  url: string;

  @ApiPropertyOptional({ example: 'ERP: sync of overdue invoices', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ type: [String], description: EVENT_TYPES_DOC, example: ['invoice.overdue', 'payment.received'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  eventTypes: string[];

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookSubscriptionDto extends PartialType(CreateWebhookSubscriptionDto) {}

export class CreatedWebhookSubscriptionDto {
  @ApiProperty({ type: WebhookSubscriptionDto }) subscription: WebhookSubscriptionDto;
  @ApiProperty({
    description: 'Signing secret, shown this once: verify X-Encours-Signature with it',
    example: 'whsec_q5Xyk2mE0rS3u9VbT1hN7cJ4fLw8aZ6dGpR2sYx0KeU',
  })
  secret: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Also sent as X-Encours-Delivery',
    example: '5d2c8e4a-7b1f-4c3e-a9d0-6e2f1b3c4d5e',
  })
  id: string;
  @ApiProperty({ format: 'uuid', example: '0b6f5a0e-3f55-4a8e-9c39-1d3f7f2b8c11' }) subscriptionId: string;
  @ApiProperty({ example: 'invoice.overdue' }) eventType: string;
  @ApiProperty({ format: 'uuid', description: 'The `id` of the event envelope', example: '9a7e3c1b-2d4f-4e6a-8b0c-1d2e3f4a5b6c' })
  eventId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'pending' }) status: DeliveryStatus;
  @ApiProperty({ example: 1, description: 'Attempts made so far (given up after 8)' }) attempts: number;
  @ApiProperty({ nullable: true, type: Number, example: 500 }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'HTTP 500: Internal Server Error' }) lastError: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-11-23T09:31:00.000Z' }) nextAttemptAt:
    string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-23T09:30:00.000Z' }) createdAt: string;
}

export class WebhookDeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class EventTypeDto {
  @ApiProperty({ example: 'invoice.overdue' }) type: string;
  @ApiProperty({ example: 'An invoice passed its due date unpaid (published once per invoice)' }) description: string;
}

export class EventTypeListDto {
  @ApiProperty({ type: [EventTypeDto] }) eventTypes: EventTypeDto[];
}
