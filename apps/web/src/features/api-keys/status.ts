import type { ApiKey } from '../../api/types';
import { todayCalendarDate } from '../../format';

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

/**
 * Revoked wins over expired. `expiresAt` may be a calendar date (`YYYY-MM-DD`, the key is
 * valid through that day) or an instant (ISO date-time).
 */
export function apiKeyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (!key.expiresAt) return 'active';
  if (/^\d{4}-\d{2}-\d{2}$/.test(key.expiresAt)) {
    return key.expiresAt < todayCalendarDate(now) ? 'expired' : 'active';
  }
  return new Date(key.expiresAt).getTime() <= now.getTime() ? 'expired' : 'active';
}
