import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Problem } from '../errors/problem.js';
import type { ApiScope, Role } from './roles.js';

export const ACCESS_KEY = 'encours:access';

export interface AccessRule {
  public?: boolean;
  /** Roles allowed; omitted = every signed-in user. */
  roles?: Role[];
  /** API-key scopes accepted; omitted = API keys are refused on this route. */
  scopes?: ApiScope[];
}

/**
 * Who may call a route. Every route is private by default (the guard refuses anonymous calls);
 * the rule is also written into the OpenAPI spec (`x-roles`, `x-scopes`) where the security
 * test reads it.
 */
export function Access(rule: Omit<AccessRule, 'public'>) {
  const decorators = [
    SetMetadata(ACCESS_KEY, rule),
    ApiBearerAuth('bearer'),
    ApiExtension('x-roles', rule.roles ?? ['*']),
    ApiExtension('x-scopes', rule.scopes ?? []),
    ApiUnauthorizedResponse({ description: 'Missing, expired or invalid credentials', type: Problem }),
    ApiForbiddenResponse({ description: 'Role or API-key scope not sufficient', type: Problem }),
  ];
  if (rule.scopes?.length) decorators.push(ApiSecurity('apiKey'));
  return applyDecorators(...decorators);
}

/** A route anyone may call (login, health). */
export function Public() {
  return applyDecorators(SetMetadata(ACCESS_KEY, { public: true }), ApiExtension('x-public', true));
}
