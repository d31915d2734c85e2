import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsISO31661Alpha2, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CURRENCIES } from '@encours/domain';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme Industrie' }) name: string;
  @ApiProperty({ enum: ['fr', 'en'], example: 'fr' }) defaultLocale: string;
  @ApiProperty({ example: 'EUR' }) defaultCurrency: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone: string;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Industrie' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ['fr', 'en'], example: 'fr' })
  @IsOptional()
  @IsIn(['fr', 'en'])
  defaultLocale?: string;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'defaultCurrency must be an ISO 4217 currency code' })
  defaultCurrency?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timezone?: string;
}

export class PostalAddressDto {
  @ApiProperty({ example: '12 rue de la Paix' }) @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional({ example: 'Bâtiment B' }) @IsOptional() @IsString() @Length(0, 200) line2?: string;
  @ApiProperty({ example: '75002' }) @IsString() @Length(1, 20) postalCode: string;
  @ApiProperty({ example: 'Paris' }) @IsString() @Length(1, 100) city: string;
  @ApiProperty({ example: 'FR' }) @Transform(upper) @IsISO31661Alpha2() country: string;
}

export class LegalEntityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FR01' }) code: string;
  @ApiProperty({ example: 'Acme Industrie SAS' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '552100554' }) siren: string | null;
  @ApiProperty({ nullable: true, type: String, example: '55210055400013' }) siret: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'FR40552100554' }) vatNumber: string | null;
  @ApiProperty({ example: 'FR' }) country: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ nullable: true, type: PostalAddressDto }) address: PostalAddressDto | null;
  @ApiProperty({ example: true }) active: boolean;
}

export class CreateLegalEntityDto {
  @ApiProperty({ example: 'FR01', description: 'Code used by the ERP, unique in the tenant' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,40}$/, { message: 'code must be 1-40 letters, digits, dot, dash or underscore' })
  code: string;

  @ApiProperty({ example: 'Acme Industrie SAS' }) @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ example: '552100554' })
  @IsOptional()
  @Matches(/^\d{9}$/, { message: 'siren must be 9 digits' })
  siren?: string;

  @ApiPropertyOptional({ example: '55210055400013' })
  @IsOptional()
  @Matches(/^\d{14}$/, { message: 'siret must be 14 digits' })
  siret?: string;

  @ApiPropertyOptional({ example: 'FR40552100554' })
  @IsOptional()
  @Transform(upper)
  @Matches(/^[A-Z]{2}[0-9A-Z]{2,13}$/, { message: 'vatNumber must be an EU VAT number such as FR40552100554' })
  vatNumber?: string;

  @ApiPropertyOptional({ example: 'FR', default: 'FR' })
  @IsOptional()
  @Transform(upper)
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166 two-letter code' })
  country?: string;

  @ApiPropertyOptional({ example: 'EUR', default: 'EUR' })
  @IsOptional()
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency?: string;

  @ApiPropertyOptional({ type: PostalAddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PostalAddressDto)
  address?: PostalAddressDto;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateLegalEntityDto extends PartialType(CreateLegalEntityDto) {}

export class BusinessUnitDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'IDF' }) code: string;
  @ApiProperty({ example: 'Île-de-France' }) name: string;
  @ApiProperty({ example: true }) active: boolean;
}

export class CreateBusinessUnitDto {
  @ApiProperty({ example: 'IDF' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,40}$/, { message: 'code must be 1-40 letters, digits, dot, dash or underscore' })
  code: string;

  @ApiProperty({ example: 'Île-de-France' }) @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() active?: boolean;
}

export class UpdateBusinessUnitDto extends PartialType(CreateBusinessUnitDto) {}
