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
