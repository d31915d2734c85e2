/** The one place the SPA takes its API types from: the client generated from the OpenAPI spec. */
import type { paths, components } from '@encours/api-client';

export type { paths, components };
export type User = components['schemas']['UserDto'];
export type Role = User['role'];
export type Locale = 'fr' | 'en';
export type TokenResponse = components['schemas']['TokenResponseDto'];
export type ApiKey = components['schemas']['ApiKeyDto'];
export type ApiKeyScope = components['schemas']['ScopeDto'];
export type ProblemDetails = components['schemas']['Problem'];

export const ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];
