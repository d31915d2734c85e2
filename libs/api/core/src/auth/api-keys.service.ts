import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type Principal, RequestContext } from '../context/request-context.js';
import { UnauthorizedError } from '../errors/app-error.js';
import { TenantDb } from '../database/tenant-db.js';
import { orderFrom, toPage, type Page, type PageQuery } from '../http/pagination.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './auth.dto.js';
import { ApiKey } from './api-key.entity.js';
import { safeEqualHex, sha256 } from './auth.service.js';

export function toApiKeyDto(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
  };
}

const KEY_RE = /^enc_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** API keys: `enc_<8 hex prefix>_<43 chars secret>`; the secret is stored as SHA-256 only. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: TenantDb,
    private readonly dataSource: DataSource,
  ) {}

  static looksLikeKey(token: string): boolean {
    return token.startsWith('enc_');
  }

  async list(q: PageQuery): Promise<Page<ApiKeyDto>> {
    const [rows, total] = await this.db.repo(ApiKey).findAndCount({
      order: orderFrom(q.sort, ['createdAt', 'name', 'lastUsedAt', 'expiresAt'], { createdAt: 'DESC' }),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(rows.map(toApiKeyDto), total, q);
  }

  async create(dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const prefixHex = randomBytes(4).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const p = RequestContext.principal();
    const repo = this.db.repo(ApiKey);
    const saved = await repo.save(
      repo.create({
        name: dto.name,
        prefix: `enc_${prefixHex}`,
        keyHash: sha256(secret),
        scopes: dto.scopes,
        expiresAt: dto.expiresAt ?? null,
        createdBy: p?.kind === 'user' ? p.userId : null,
      }),
    );
    return { apiKey: toApiKeyDto(saved), key: `enc_${prefixHex}_${secret}` };
  }

  async revoke(id: string): Promise<ApiKeyDto> {
    const repo = this.db.repo(ApiKey);
    const key = await repo.get(id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
    }
    return toApiKeyDto(key);
  }

  /** Resolves a presented key to its principal, or throws 401. Not tenant-scoped: the key says the tenant. */
  async authenticate(token: string, today = new Date().toISOString().slice(0, 10)): Promise<Principal> {
    const m = KEY_RE.exec(token);
    if (!m) throw new UnauthorizedError('Invalid API key', 'invalid-api-key');
    const row = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .addSelect('k.keyHash')
      .where('k.prefix = :prefix', { prefix: `enc_${m[1]}` })
      .getOne();
    if (!row || !safeEqualHex(row.keyHash, sha256(m[2]))) throw new UnauthorizedError('Invalid API key', 'invalid-api-key');
    if (row.revokedAt) throw new UnauthorizedError('This API key was revoked', 'api-key-revoked');
    if (row.expiresAt && row.expiresAt < today) throw new UnauthorizedError('This API key has expired', 'api-key-expired');
    // Record use at most once a minute, so a busy integration does not write on every call.
    await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id: row.id })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`)
      .execute();
    return { kind: 'apiKey', apiKeyId: row.id, tenantId: row.tenantId, scopes: row.scopes, name: row.name };
  }
}
