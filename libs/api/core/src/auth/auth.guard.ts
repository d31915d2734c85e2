import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestContext } from '../context/request-context.js';
import { ForbiddenError, UnauthorizedError } from '../errors/app-error.js';
import { ACCESS_KEY, type AccessRule } from './access.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthService } from './auth.service.js';

/**
 * The global guard: every route needs credentials unless marked @Public(). It accepts a user's
 * JWT or an API key (`Authorization: Bearer enc_...` or `X-API-Key`), puts the principal and its
 * tenant into the request context, then checks the route's roles or scopes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? {};
    if (rule.public) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const token = extractToken(req);
    if (!token) throw new UnauthorizedError('Authentication is required: send a Bearer token or an X-API-Key header');
    const principal = ApiKeysService.looksLikeKey(token)
      ? await this.apiKeys.authenticate(token)
      : await this.auth.verifyAccessToken(token);
    const store = RequestContext.get();
    if (store) {
      store.principal = principal;
      store.tenantId = principal.tenantId;
    }
    if (principal.kind === 'user') {
      if (rule.roles && !rule.roles.includes(principal.role)) {
        throw new ForbiddenError(`This action needs one of the roles: ${rule.roles.join(', ')}`);
      }
    } else if (principal.kind === 'apiKey') {
      if (!rule.scopes?.length) throw new ForbiddenError('API keys cannot use this route', 'api-key-not-allowed');
      if (!rule.scopes.some((s) => principal.scopes.includes(s))) {
        throw new ForbiddenError(`This API key lacks the scope ${rule.scopes.join(' or ')}`, 'missing-scope');
      }
    }
    return true;
  }
}

function extractToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m) return m[1];
  }
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key ? key : undefined;
}
