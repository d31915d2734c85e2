import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';

/** Template channels: the four sending channels and `call` (notes of a call task, never sent). */
export const TEMPLATE_API_CHANNELS = ['email', 'sms', 'letter', 'formal_notice', 'call'] as const;
export type TemplateApiChannel = (typeof TEMPLATE_API_CHANNELS)[number];
export const TEMPLATE_LANGUAGES = ['fr', 'en'] as const;

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class TemplateUsageDto {
  @ApiProperty({ format: 'uuid' }) scenarioId: string;
  @ApiProperty({ example: 'Standard' }) scenarioName: string;
  @ApiProperty({ example: 2 }) position: number;
  @ApiProperty({ example: 'Relance 1 – courtoise' }) stepName: string;
}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'reminder_1_email', description: 'Steps refer to the code; the language picks the variant' })
  code: string;
  @ApiProperty({ enum: TEMPLATE_LANGUAGES, example: 'fr' }) language: 'fr' | 'en';
  @ApiProperty({ enum: TEMPLATE_API_CHANNELS, example: 'email' }) channel: TemplateApiChannel;
  @ApiProperty({ example: 'Relance 1 – courtoise (e-mail)' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'Rappel de paiement – {{ customer.name }}' }) subject: string | null;
  @ApiProperty({ example: 'Bonjour {{ contact.name }},\n\n{{ invoices.table }}\n\n{{ company.signature }}' }) body: string;
  @ApiProperty({ example: true, description: 'Shipped with Encours (can be reset to the shipped text)' }) shipped: boolean;
  @ApiProperty({ example: false, description: 'A shipped template whose text differs from the shipped one' }) modified: boolean;
  @ApiProperty({ type: [TemplateUsageDto], description: 'Steps using this template code' }) usedBy: TemplateUsageDto[];
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) updatedAt: string;
}

export class TemplateQuery {
  @ApiPropertyOptional({ enum: TEMPLATE_API_CHANNELS }) @IsOptional() @IsIn(TEMPLATE_API_CHANNELS) channel?: TemplateApiChannel;
  @ApiPropertyOptional({ enum: TEMPLATE_LANGUAGES }) @IsOptional() @IsIn(TEMPLATE_LANGUAGES) language?: 'fr' | 'en';
}

export class UpdateTemplateDto {
  @ApiProperty({ example: 'Relance 1 – courtoise (e-mail)' }) @IsString() @Length(1, 160) name: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Rappel de paiement – {{ customer.name }}',
    description: 'Email only (merge fields allowed)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  subject?: string | null;
  @ApiProperty({
    example:
      'Bonjour {{ contact.name }},\n\nSauf erreur de notre part :\n\n{{ invoices.table }}\n\nCordialement,\n\n{{ company.signature }}',
    description:
      'Text with `{{ field }}` merge fields (see /dunning/merge-fields), `**bold**` and `{{#if condition}}…{{else}}…{{/if}}`',
  })
  @IsString()
  @MaxLength(20000)
  body: string;
}

export class CreateTemplateDto extends UpdateTemplateDto {
  @ApiProperty({ example: 'relance_grands_comptes', description: 'Lower case letters, digits and _' })
  @Transform(lower)
  @Matches(/^[a-z][a-z0-9_]{1,59}$/, { message: 'code must be 2 to 60 lower-case letters, digits or _, starting with a letter' })
  code: string;
  @ApiProperty({ enum: TEMPLATE_LANGUAGES, example: 'fr' }) @IsIn(TEMPLATE_LANGUAGES) language: 'fr' | 'en';
  @ApiProperty({ enum: TEMPLATE_API_CHANNELS, example: 'email' }) @IsIn(TEMPLATE_API_CHANNELS) channel: TemplateApiChannel;
}

export class PreviewTemplateDto {
  @ApiProperty({ enum: TEMPLATE_API_CHANNELS, example: 'email' }) @IsIn(TEMPLATE_API_CHANNELS) channel: TemplateApiChannel;
  @ApiProperty({ enum: TEMPLATE_LANGUAGES, example: 'fr' }) @IsIn(TEMPLATE_LANGUAGES) language: 'fr' | 'en';
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Rappel de paiement – {{ customer.name }}' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  subject?: string | null;
  @ApiProperty({ example: 'Bonjour {{ contact.name }},\n\n{{ invoices.table }}\n\n{{ company.signature }}' })
  @IsString()
  @MaxLength(20000)
  body: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A real customer (its open, undisputed invoices); a built-in sample customer otherwise',
  })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class PreviewQuery {
  @ApiPropertyOptional({
    enum: ['json', 'pdf'],
    default: 'json',
    description: '`pdf` for letter and formal_notice: the PDF as it would be printed',
  })
  @IsOptional()
  @IsIn(['json', 'pdf'])
  format?: 'json' | 'pdf';
}

export class TemplateProblemDto {
  @ApiProperty({ enum: ['subject', 'body'], example: 'body' }) field: 'subject' | 'body';
  @ApiProperty({ example: 'sms_too_long' }) code: string;
  @ApiProperty({
    example: 'The SMS can reach 520 characters with long values, more than 3 segments (459 characters): shorten it',
  })
  message: string;
}

export class TemplatePreviewDto {
  @ApiProperty({ nullable: true, type: String, example: 'Rappel de paiement – Dupont Industrie SAS' }) subject: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Email only: the HTML document' }) html: string | null;
  @ApiProperty({ example: 'Bonjour Claire Moreau,\n\n...' }) text: string;
  @ApiProperty({ type: [TemplateProblemDto], description: 'What would prevent saving the template (it still renders)' })
  problems: TemplateProblemDto[];
  @ApiProperty({ enum: ['customer', 'sample'], example: 'sample' }) context: 'customer' | 'sample';
}

export class LocalizedTextDto {
  @ApiProperty({ example: 'Raison sociale du client' }) fr: string;
  @ApiProperty({ example: "Customer's company name" }) en: string;
}

export class MergeFieldDto {
  @ApiProperty({ example: 'customer.name' }) name: string;
  @ApiProperty({ type: LocalizedTextDto, example: { fr: 'Raison sociale du client', en: "Customer's company name" } })
  description: {
    fr: string;
    en: string;
  };
  @ApiProperty({ type: LocalizedTextDto, example: { fr: 'Dupont Industrie SAS', en: 'Dupont Industrie SAS' } }) example: {
    fr: string;
    en: string;
  };
  @ApiProperty({ example: false, description: 'Renders a table: alone in its paragraph; not in a subject or an SMS' })
  block: boolean;
  @ApiProperty({ example: false, description: 'May render several lines: not in a subject' }) multiline: boolean;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 40,
    description: 'Worst-case length in an SMS; null: not allowed in an SMS',
  })
  smsMaxLength: number | null;
}

export class MergeConditionDto {
  @ApiProperty({ example: 'penalties.applicable' }) name: string;
  @ApiProperty({ type: LocalizedTextDto, example: { fr: 'Les pénalités sont réclamées', en: 'Penalties are claimed' } })
  description: {
    fr: string;
    en: string;
  };
}

export class MergeFieldsDto {
  @ApiProperty({ type: [MergeFieldDto] }) fields: MergeFieldDto[];
  @ApiProperty({ type: [MergeConditionDto] }) conditions: MergeConditionDto[];
  @ApiProperty({
    example: '{{ field }}, **bold**, {{#if condition}} … {{else}} … {{/if}} (no nesting); paragraphs separated by a blank line',
  })
  syntax: string;
}
