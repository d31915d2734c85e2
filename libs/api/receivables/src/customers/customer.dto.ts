import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CURRENCIES } from '@encours/domain';
import { ListQuery } from '../shared/list.js';
import { CONTACT_ROLES, type ContactRole } from './customer.entity.js';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class AddressDto {
  @ApiProperty({ example: '12 rue de la Paix' }) @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional({ example: 'Bâtiment B' }) @IsOptional() @IsString() @Length(0, 200) line2?: string;
  @ApiProperty({ example: '75002' }) @IsString() @Length(1, 20) postalCode: string;
  @ApiProperty({ example: 'Paris' }) @IsString() @Length(1, 100) city: string;
  @ApiProperty({ example: 'FR' }) @Transform(upper) @IsISO31661Alpha2() country: string;
}

export class ContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Claire Martin' }) name: string;
  @ApiProperty({ enum: CONTACT_ROLES, example: 'accounting' }) role: ContactRole;
  @ApiProperty({ nullable: true, type: String, example: 'compta@dupont.fr' }) email: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+33 1 23 45 67 89' }) phone: string | null;
  @ApiProperty({ example: true }) primary: boolean;
}

export class ContactInputDto {
  @ApiProperty({ example: 'Claire Martin' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ enum: CONTACT_ROLES, example: 'accounting', default: 'billing' })
  @IsOptional()
  @IsIn(CONTACT_ROLES)
  role?: ContactRole;
  @ApiPropertyOptional({ example: 'compta@dupont.fr' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ example: '+33 1 23 45 67 89' }) @IsOptional() @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() primary?: boolean;
}

export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'C00042', description: 'Reference of the customer in the ERP' }) externalRef: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '552100554' }) siren: string | null;
  @ApiProperty({ nullable: true, type: String, example: '55210055400013' }) siret: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'FR40552100554' }) vatNumber: string | null;
  @ApiProperty({ example: 'FR' }) country: string;
  @ApiProperty({ nullable: true, type: AddressDto }) billingAddress: AddressDto | null;
  @ApiProperty({ nullable: true, type: AddressDto }) shippingAddress: AddressDto | null;
  @ApiProperty({ enum: ['fr', 'en'], example: 'fr' }) language: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) legalEntityId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) businessUnitId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) salespersonId: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 45 }) paymentTermsDays: number | null;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ nullable: true, type: String, example: 'BTP' }) segment: string | null;
  @ApiProperty({ type: [String], example: ['key-account'] }) tags: string[];
  @ApiProperty({ example: false }) blocked: boolean;
  @ApiPropertyOptional({ type: [ContactDto] }) contacts?: ContactDto[];
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) updatedAt: string;
}

export class CreateCustomerDto {
  @ApiProperty({ example: 'C00042' }) @IsString() @Length(1, 100) externalRef: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) @IsString() @Length(1, 200) name: string;
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
  @ApiPropertyOptional({ example: 'FR' }) @IsOptional() @Transform(upper) @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @ValidateNested() @Type(() => AddressDto) billingAddress?: AddressDto;
  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @ValidateNested() @Type(() => AddressDto) shippingAddress?: AddressDto;
  @ApiPropertyOptional({ enum: ['fr', 'en'], example: 'fr' }) @IsOptional() @IsIn(['fr', 'en']) language?: 'fr' | 'en';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() legalEntityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() businessUnitId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() salespersonId?: string;
  @ApiPropertyOptional({ example: 45 }) @IsOptional() @IsInt() @Min(0) @Max(365) paymentTermsDays?: number;
  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency?: string;
  @ApiPropertyOptional({ example: 'BTP' }) @IsOptional() @IsString() @MaxLength(60) segment?: string;
  @ApiPropertyOptional({ type: [String], example: ['key-account'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ example: false }) @IsOptional() @IsBoolean() blocked?: boolean;
  @ApiPropertyOptional({ type: [ContactInputDto], description: 'Replaces all contacts when given' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ContactInputDto)
  contacts?: ContactInputDto[];
}

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {}

export class CustomerQuery extends ListQuery {
  @ApiPropertyOptional({ example: false }) @IsOptional() @Transform(bool) @IsBoolean() blocked?: boolean;
  @ApiPropertyOptional({ example: 'BTP' }) @IsOptional() @IsString() @MaxLength(60) segment?: string;
}
