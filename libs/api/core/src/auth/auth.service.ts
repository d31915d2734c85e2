import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { RequestContext, type Principal } from '../context/request-context.js';
import { UnauthorizedError, ValidationFailed } from '../errors/app-error.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import type { TokenResponseDto, UserDto } from './auth.dto.js';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.js';
import { RefreshToken } from './refresh-token.entity.js';
import type { Role } from './roles.js';
import { User } from './user.entity.js';

interface AccessClaims {
  sub: string;
  tid: string;
  role: Role;
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function toUserDto(u: User, tenantName?: string): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    tenantId: u.tenantId,
    tenantName,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** Sign-in, token refresh with rotation, sign-out, password change, access-token checks. */
@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, userAgent?: string): Promise<TokenResponseDto | null> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: email.toLowerCase() })
      .getOne();
    // Verify against a dummy hash when the user is unknown, so timing does not tell.
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !ok || !user.active) return null;
    await this.dataSource.getRepository(User).update(user.id, { lastLoginAt: new Date() });
    user.lastLoginAt = new Date();
    return (await this.issue(user, randomUUID(), userAgent, this.dataSource.manager)).response;
  }

  async refresh(token: string, userAgent?: string): Promise<TokenResponseDto> {
    const [id, secret] = token.split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id))
      throw new UnauthorizedError('Invalid refresh token', 'invalid-refresh-token');
    const outcome = await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(RefreshToken).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row || !safeEqualHex(row.tokenHash, sha256(secret))) {
        throw new UnauthorizedError('Invalid refresh token', 'invalid-refresh-token');
      }
      if (row.revokedAt) {
        // Reuse of a rotated token: someone else may hold the family. End every session of it.
        await m.getRepository(RefreshToken).update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        return 'reused' as const;
      }
      if (row.expiresAt.getTime() < Date.now()) throw new UnauthorizedError('Refresh token expired', 'refresh-token-expired');
      const user = await m.getRepository(User).findOne({ where: { id: row.userId } });
      if (!user || !user.active) throw new UnauthorizedError('User is deactivated', 'user-inactive');
      const issued = await this.issue(user, row.familyId, userAgent, m);
      await m.getRepository(RefreshToken).update(row.id, { revokedAt: new Date(), replacedBy: issued.refreshId });
      return issued.response;
    });
    if (outcome === 'reused') {
      throw new UnauthorizedError('Refresh token already used; the session was closed', 'refresh-token-reused');
    }
    return outcome;
  }

  async logout(token: string): Promise<void> {
    const [id] = token.split('.');
    if (!id || !/^[0-9a-f-]{36}$/.test(id)) return;
    const row = await this.dataSource.getRepository(RefreshToken).findOne({ where: { id } });
    if (!row) return;
    await this.dataSource
      .getRepository(RefreshToken)
      .update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const problem = passwordProblems(next);
    if (problem) throw new ValidationFailed([{ field: 'newPassword', message: `newPassword ${problem}` }]);
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: userId })
      .getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, current))) {
      throw new ValidationFailed([{ field: 'currentPassword', message: 'currentPassword is not correct' }]);
    }
    if (current === next)
      throw new ValidationFailed([{ field: 'newPassword', message: 'newPassword must differ from the current one' }]);
    await this.dataSource.transaction(async (m) => {
      user.passwordHash = await hashPassword(next);
      user.mustChangePassword = false;
      user.passwordChangedAt = new Date();
      await m.save(user);
      await m.getRepository(RefreshToken).update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    });
  }

  /** Checks a JWT and that its user is still active; returns the principal. */
  async verifyAccessToken(token: string): Promise<Principal> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { secret: this.config.jwtSecret, algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedError('Invalid or expired access token', 'invalid-token');
    }
    const user = await this.dataSource.getRepository(User).findOne({
      where: { id: claims.sub },
      select: { id: true, tenantId: true, role: true, active: true, email: true, passwordChangedAt: true },
    });
    if (!user || !user.active || user.tenantId !== claims.tid)
      throw new UnauthorizedError('User is deactivated', 'user-inactive');
    return { kind: 'user', userId: user.id, tenantId: user.tenantId, role: user.role, email: user.email };
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.dataSource.getRepository(User).findOneOrFail({ where: { id: userId } });
    const tenant = await this.dataSource.getRepository(Tenant).findOneOrFail({ where: { id: user.tenantId } });
    return toUserDto(user, tenant.name);
  }

  private async issue(
    user: User,
    familyId: string,
    userAgent: string | undefined,
    m: EntityManager,
  ): Promise<{ response: TokenResponseDto; refreshId: string }> {
    const secret = randomBytes(32).toString('base64url');
    const row = await m.getRepository(RefreshToken).save(
      m.getRepository(RefreshToken).create({
        tenantId: user.tenantId,
        userId: user.id,
        familyId,
        tokenHash: sha256(secret),
        expiresAt: new Date(Date.now() + this.config.refreshTokenTtlDays * 86_400_000),
        userAgent: userAgent?.slice(0, 300) ?? null,
      }),
    );
    const accessToken = await this.jwt.signAsync({ sub: user.id, tid: user.tenantId, role: user.role } satisfies AccessClaims, {
      secret: this.config.jwtSecret,
      expiresIn: this.config.jwtAccessTtlSeconds,
      algorithm: 'HS256',
    });
    const tenant = await m.getRepository(Tenant).findOne({ where: { id: user.tenantId } });
    const response: TokenResponseDto = {
      accessToken,
      refreshToken: `${row.id}.${secret}`,
      expiresIn: this.config.jwtAccessTtlSeconds,
      user: toUserDto(user, tenant?.name),
    };
    return { response, refreshId: row.id };
  }

  currentUserId(): string {
    const p = RequestContext.principal();
    if (p?.kind !== 'user') throw new UnauthorizedError('This route needs a signed-in user');
    return p.userId;
  }
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0S3vE0vS0m7E0cQ5xq8p3l0xw7p1ZpW3V0h2g9mQJqY';
