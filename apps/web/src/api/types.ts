/** The one place the SPA takes its API types from: the client generated from the OpenAPI spec. */
import type { paths, components } from '@encours/api-client';

export type { paths, components };
export type User = components['schemas']['UserDto'];
export type Role = User['role'];
export type Locale = User['locale'];
export type TokenResponse = components['schemas']['TokenResponseDto'];
export type CreatedUser = components['schemas']['CreatedUserDto'];
export type ApiKey = components['schemas']['ApiKeyDto'];
export type CreatedApiKey = components['schemas']['CreatedApiKeyDto'];
/** A scope as listed by GET /api-keys/scopes (name and description). */
export type ApiKeyScope = components['schemas']['ScopeDto'];
/** The scope names the API accepts when creating a key. */
export type ApiKeyScopeName = components['schemas']['CreateApiKeyDto']['scopes'][number];
export type CreateApiKeyInput = components['schemas']['CreateApiKeyDto'];
export type CreateUserInput = components['schemas']['CreateUserDto'];
export type UpdateUserInput = components['schemas']['UpdateUserDto'];
export type UpdateMeInput = components['schemas']['UpdateMeDto'];
export type ProblemDetails = components['schemas']['Problem'];

export const ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];

export type Customer = components['schemas']['CustomerDto'];
export type Contact = components['schemas']['ContactDto'];
export type Invoice = components['schemas']['InvoiceDto'];
export type InvoiceStatus = Invoice['status'];
export type InvoiceKind = Invoice['kind'];
export type ImportEntity = components['schemas']['ImportResultDto']['entity'];
export type ImportResult = components['schemas']['ImportResultDto'];
export type ImportCounts = components['schemas']['ImportCountsDto'];
export type ImportRowError = components['schemas']['ImportRowErrorDto'];
export type ImportRun = components['schemas']['ImportRunDto'];
export type ImportMapping = components['schemas']['ImportMappingDto'];
export type ImportDelimiter = NonNullable<components['schemas']['CreateImportMappingDto']['delimiter']>;

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['open', 'partially_paid', 'paid', 'written_off'];
export const IMPORT_ENTITIES: readonly ImportEntity[] = ['customers', 'invoices', 'credit-notes', 'payments', 'allocations'];

/** Who may push data into the ledger from the web app (the API enforces the same rule). */
export const IMPORT_ROLES: readonly Role[] = ['admin', 'credit_manager'];
