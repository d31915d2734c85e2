import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { EMAIL_TRANSPORTS, SMS_PROVIDERS, type EmailTransportKind, type SmsProviderKind } from './dunning-settings.entity.js';

/** For a field that cannot be cleared: may be left out, but not sent as null. */
const Present = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

export class DunningSettingsDto {
  @ApiProperty({ example: true, description: 'The daily run is scheduled (it can always be started by hand)' }) enabled: boolean;
  @ApiProperty({ example: '07:00', description: "Local time of the daily run (tenant's time zone), HH:MM" }) runTime: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-25', description: 'Last day a scheduled run started' })
  lastScheduledRunDate: string | null;
  @ApiProperty({
    enum: EMAIL_TRANSPORTS,
    example: 'smtp',
    description: '`sink` keeps the messages without sending them (tests, demos)',
  })
  emailTransport: EmailTransportKind;
  @ApiProperty({ nullable: true, type: String, example: 'smtp.example.fr' }) smtpHost: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 587 }) smtpPort: number | null;
  @ApiProperty({ example: false, description: 'TLS from the start (port 465); otherwise STARTTLS when offered' })
  smtpSecure: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'relances@example.fr' }) smtpUser: string | null;
  @ApiProperty({ example: true, description: 'An SMTP password is stored (it is never returned)' }) smtpPasswordSet: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'Service recouvrement – Encours Démo' }) fromName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'recouvrement@encours-demo.fr' }) fromEmail: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'compta-clients@encours-demo.fr' }) replyTo: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'archives-relances@encours-demo.fr' }) bccEmail: string | null;
  @ApiProperty({ enum: SMS_PROVIDERS, example: 'http', description: '`log` only records the SMS; `http` posts it to a gateway' })
  smsProvider: SmsProviderKind;
  @ApiProperty({ nullable: true, type: String, example: 'https://sms.example.fr/api/send' }) smsHttpUrl: string | null;
  @ApiProperty({ example: false, description: 'A token for the SMS gateway is stored (it is never returned)' })
  smsHttpTokenSet: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'ENCOURS' }) smsSender: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Encours Démo SA' }) companyName: string | null;
  @ApiProperty({ type: [String], example: ['12 rue de la Paix', '75002 Paris'] }) companyAddressLines: string[];
  @ApiProperty({ nullable: true, type: String, example: '912345675' }) companySiren: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'FR65912345675' }) companyVatNumber: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'recouvrement@encours-demo.fr' }) companyEmail: string | null;
  @ApiProperty({ nullable: true, type: String, example: '01 84 60 12 00' }) companyPhone: string | null;
  @ApiProperty({ example: 'Julien Petit\nResponsable recouvrement' }) signature: string;
  @ApiProperty({ example: 'IBAN FR76 3000 4000 0100 0012 3456 789 – BIC BNPAFRPPXXX' }) paymentDetails: string;
  @ApiProperty({ example: 8, description: 'Days given by a formal notice to pay' }) formalNoticeDays: number;
  @ApiProperty({ example: 3, description: 'Days after a promised date before the promise is broken' }) promiseGraceDays: number;
  @ApiProperty({ example: 3, description: "Days after an instalment's date before the plan is breached" }) planGraceDays: number;
  @ApiProperty({ example: 5, description: 'Attempts of a failed email or SMS before it is reported failed' })
  maxSendAttempts: number;
  @ApiProperty({ example: '2026-11-25T06:00:03.120Z' }) updatedAt: string;
}

/**
 * A change of the settings: fields left out stay as they are; `null` clears an optional field.
 * The SMTP password and the SMS token are write-only: send a value to set it, null to remove it.
 */
export class UpdateDunningSettingsDto {
  @ApiPropertyOptional({ example: true }) @Present() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ example: '07:00', description: 'HH:MM, 24-hour clock' })
  @Present()
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'runTime must be a time of day as HH:MM (00:00 to 23:59)' })
  runTime?: string;

  @ApiPropertyOptional({ enum: EMAIL_TRANSPORTS, example: 'smtp' })
  @Present()
  @IsIn(EMAIL_TRANSPORTS)
  emailTransport?: EmailTransportKind;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'smtp.example.fr' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,253})$/, { message: 'smtpHost must be a host name or an IP address' })
  smtpHost?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 587 }) @IsOptional() @IsInt() @Min(1) @Max(65535) smtpPort?:
    number | null;
  @ApiPropertyOptional({ example: false }) @Present() @IsBoolean() smtpSecure?: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'relances@example.fr' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  smtpUser?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, writeOnly: true, example: 's3cret-Passw0rd', description: 'Write-only' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  smtpPassword?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Service recouvrement' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fromName?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'recouvrement@encours-demo.fr' })
  @IsOptional()
  @IsEmail({}, { message: 'fromEmail must be an email address' })
  @MaxLength(254)
  fromEmail?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'compta-clients@encours-demo.fr' })
  @IsOptional()
  @IsEmail({}, { message: 'replyTo must be an email address' })
  @MaxLength(254)
  replyTo?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'archives-relances@encours-demo.fr' })
  @IsOptional()
  @IsEmail({}, { message: 'bccEmail must be an email address' })
  @MaxLength(254)
  bccEmail?: string | null;

  @ApiPropertyOptional({ enum: SMS_PROVIDERS, example: 'log' }) @Present() @IsIn(SMS_PROVIDERS) smsProvider?: SmsProviderKind;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'https://sms.example.fr/api/send' })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'smsHttpUrl must be an http(s) URL' },
  )
  @MaxLength(500)
  smsHttpUrl?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, writeOnly: true, example: 'tok_8f2c', description: 'Write-only' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  smsHttpToken?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'ENCOURS',
    description: 'Sender name (up to 11 letters or digits)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 .+-]{0,10}$/, { message: 'smsSender must be 1 to 11 letters or digits' })
  smsSender?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Encours Démo SA' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  companyName?: string | null;
  @ApiPropertyOptional({ type: [String], example: ['12 rue de la Paix', '75002 Paris'] })
  @Present()
  @IsArray()
  @ArrayMaxSize(6)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  companyAddressLines?: string[];
  @ApiPropertyOptional({ nullable: true, type: String, example: '912345675' })
  @IsOptional()
  @Matches(/^\d{9}$/, { message: 'companySiren must be 9 digits' })
  companySiren?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'FR65912345675' })
  @IsOptional()
  @Matches(/^[A-Z]{2}[0-9A-Z]{2,13}$/, { message: 'companyVatNumber must be an EU VAT number such as FR65912345675' })
  companyVatNumber?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'recouvrement@encours-demo.fr' })
  @IsOptional()
  @IsEmail({}, { message: 'companyEmail must be an email address' })
  @MaxLength(254)
  companyEmail?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '01 84 60 12 00' })
  @IsOptional()
  @Matches(/^[0-9+().\s-]{4,40}$/, { message: 'companyPhone must be a phone number' })
  companyPhone?: string | null;
  @ApiPropertyOptional({ example: 'Julien Petit\nResponsable recouvrement' })
  @Present()
  @IsString()
  @MaxLength(2000)
  signature?: string;
  @ApiPropertyOptional({ example: 'IBAN FR76 3000 4000 0100 0012 3456 789 – BIC BNPAFRPPXXX' })
  @Present()
  @IsString()
  @MaxLength(2000)
  paymentDetails?: string;

  @ApiPropertyOptional({ example: 8, minimum: 1, maximum: 60 }) @Present() @IsInt() @Min(1) @Max(60) formalNoticeDays?: number;
  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: 60 }) @Present() @IsInt() @Min(0) @Max(60) promiseGraceDays?: number;
  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: 60 }) @Present() @IsInt() @Min(0) @Max(60) planGraceDays?: number;
  @ApiPropertyOptional({ example: 5, minimum: 1, maximum: 20 }) @Present() @IsInt() @Min(1) @Max(20) maxSendAttempts?: number;
}
