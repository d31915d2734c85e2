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

/** How long a verified key is reused without reading api_key again (bounds how late another process sees a revocation). */
export const API_KEY_CACHE_TTL_MS = 10_000;
/** At most this many keys are kept (the cache starts again empty beyond). */
const API_KEY_CACHE_MAX = 10_000;
/** `last_used_at` is written at most once per this interval and key. */
const LAST_USED_WRITE_MS = 60_000;

interface VerifiedKey {
  until: number;
  id: string;
  tenantId: string;
  keyHash: string;
  scopes: string[];
  name: string;
  expiresAt: string | null;
  revoked: boolean;
}

const KEY_RE = /^enc_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** API keys: `enc_<8 hex prefix>_<43 chars secret>`; the secret is stored as SHA-256 only. */
@Injectable()
export class ApiKeysService {
  private readonly verified = new Map<string, VerifiedKey>();
  private readonly usedWritten = new Map<string, number>();

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
    this.verified.delete(key.prefix);
    return toApiKeyDto(key);
  }

  /**
   * Resolves a presented key to its principal, or throws 401. Not tenant-scoped: the key says the tenant.
   * A verified key is kept for API_KEY_CACHE_TTL_MS (the hash of the secret is still compared on every call), so a
   * busy integration costs no database round trip per request; a revocation through this process takes effect at
   * once, one made by another API process within the TTL. `last_used_at` is written at most once a minute per key.
   */
  async authenticate(token: string, today = new Date().toISOString().slice(0, 10)): Promise<Principal> {
    const m = KEY_RE.exec(token);
    if (!m) throw new UnauthorizedError('Invalid API key', 'invalid-api-key');
    const prefix = `enc_${m[1]}`;
    const now = Date.now();
    let row = this.verified.get(prefix);
    if (!row || row.until <= now) {
      const found = await this.dataSource
        .getRepository(ApiKey)
        .createQueryBuilder('k')
        .addSelect('k.keyHash')
        .where('k.prefix = :prefix', { prefix })
        .getOne();
      if (!found) {
        this.verified.delete(prefix);
        throw new UnauthorizedError('Invalid API key', 'invalid-api-key');
      }
      row = {
        until: now + API_KEY_CACHE_TTL_MS,
        id: found.id,
        tenantId: found.tenantId,
        keyHash: found.keyHash,
        scopes: found.scopes,
        name: found.name,
        expiresAt: found.expiresAt,
        revoked: found.revokedAt !== null,
      };
      if (this.verified.size >= API_KEY_CACHE_MAX) this.verified.clear();
      this.verified.set(prefix, row);
    }
    if (!safeEqualHex(row.keyHash, sha256(m[2]))) throw new UnauthorizedError('Invalid API key', 'invalid-api-key');
    if (row.revoked) throw new UnauthorizedError('This API key was revoked', 'api-key-revoked');
    if (row.expiresAt && row.expiresAt < today) throw new UnauthorizedError('This API key has expired', 'api-key-expired');
    // Record use at most once a minute, so a busy integration does not write on every call.
    const written = this.usedWritten.get(row.id);
    if (written === undefined || now - written >= LAST_USED_WRITE_MS) {
      this.usedWritten.set(row.id, now);
      if (this.usedWritten.size > API_KEY_CACHE_MAX) this.usedWritten.clear();
      await this.dataSource
        .getRepository(ApiKey)
        .createQueryBuilder()
        .update()
        .set({ lastUsedAt: () => 'now()' })
        .where('id = :id', { id: row.id })
        .andWhere(`(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`)
        .execute();
    }
    return { kind: 'apiKey', apiKeyId: row.id, tenantId: row.tenantId, scopes: row.scopes, name: row.name };
  }
}
