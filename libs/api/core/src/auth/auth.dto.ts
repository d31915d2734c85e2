import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, SCOPE_NAMES, type Role } from './roles.js';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class LoginDto {
  @ApiProperty({ example: 'demo@encours.test' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-battery-staple' })
  @IsString()
  @Length(1, 200)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ example: '6a1c3e0e-5b7a-4cf4-9f0f-3c6f8d2a9b10.kq3V5...' })
  @IsString()
  @Length(10, 200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'old-password-1' })
  @IsString()
  @Length(1, 200)
  currentPassword: string;

  @ApiProperty({ example: 'new-Password-2026', description: 'At least 10 characters, not only letters or only digits' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  newPassword: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'marie.durand@example.fr' }) email: string;
  @ApiProperty({ example: 'Marie Durand' }) name: string;
  @ApiProperty({ enum: ROLES, example: 'credit_manager' }) role: Role;
  @ApiProperty({ enum: ['fr', 'en'], example: 'fr' }) locale: string;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: false }) mustChangePassword: boolean;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiPropertyOptional({ example: 'Acme Industrie' }) tenantName?: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastLoginAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer ...`', example: 'eyJhbGciOiJIUzI1NiIs...' })
  accessToken: string;
  @ApiProperty({ description: 'Opaque token for POST /auth/refresh; rotates on every use', example: '6a1c3e0e-....kq3V5' })
  refreshToken: string;
  @ApiProperty({ description: 'Access-token lifetime in seconds', example: 900 })
  expiresIn: number;
  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Marie Durand' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ['fr', 'en'], example: 'en' })
  @IsOptional()
  @IsIn(['fr', 'en'])
  locale?: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'paul.martin@example.fr' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Paul Martin' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES, example: 'collector' })
  @IsIn(ROLES as unknown as string[])
  role: Role;

  @ApiPropertyOptional({ enum: ['fr', 'en'], example: 'fr', default: 'fr' })
  @IsOptional()
  @IsIn(['fr', 'en'])
  locale?: string;
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({
    description: 'One-time password, shown once; the user must change it at first sign-in',
    example: 'k7Qm-2xRt-9pWz-Hc4n',
  })
  temporaryPassword: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Paul Martin' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'credit_manager' })
  @IsOptional()
  @IsIn(ROLES as unknown as string[])
  role?: Role;

  @ApiPropertyOptional({ example: false, description: 'false deactivates the user (sessions end at once)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: ['fr', 'en'], example: 'fr' })
  @IsOptional()
  @IsIn(['fr', 'en'])
  locale?: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'SAP nightly push' }) name: string;
  @ApiProperty({ example: 'enc_3f9a2c1b', description: 'Public part of the key, to recognise it' }) prefix: string;
  @ApiProperty({ type: [String], example: ['imports:write', 'receivables:read'] }) scopes: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date', example: '2027-12-31' }) expiresAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) createdBy: string | null;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'SAP nightly push' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: SCOPE_NAMES, isArray: true, example: ['imports:write', 'receivables:read'] })
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPE_NAMES as unknown as string[], { each: true, message: 'each value in scopes must be a known scope' })
  scopes: string[];

  @ApiPropertyOptional({ format: 'date', example: '2027-12-31', description: 'Last day the key is valid' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expiresAt must be a date YYYY-MM-DD' })
  @Length(10, 10, { message: 'expiresAt must be a date YYYY-MM-DD' })
  expiresAt?: string;
}

export class CreatedApiKeyDto {
  @ApiProperty({ type: ApiKeyDto }) apiKey: ApiKeyDto;
  @ApiProperty({
    description: 'The secret key, shown once',
    example: 'enc_3f9a2c1b_Wm9vZ2xlLWlzLW5vdC1hLWtleS1qdXN0LWFuLWV4YW1wbGU',
  })
  key: string;
}

export class ScopeDto {
  @ApiProperty({ example: 'imports:write' }) scope: string;
  @ApiProperty({ example: 'Push customers, invoices, credit notes, payments and allocations from the ERP' }) description: string;
}

export class ScopeListDto {
  @ApiProperty({ type: [ScopeDto] }) scopes: ScopeDto[];
}
