import { describe, expect, it } from '@jest/globals';
import { AppConfig } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

describe('LoginRateLimiter', () => {
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW_SECONDS: '60' });
  it('blocks after N failures in the window, with Retry-After, and forgets after it', () => {
    const l = new LoginRateLimiter(config);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      l.assertAllowed('1.2.3.4', 'a@x.test', t0 + i);
      l.recordFailure('1.2.3.4', 'a@x.test', t0 + i);
    }
    let err: unknown;
    try {
      l.assertAllowed('1.2.3.4', 'A@x.test', t0 + 10);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(429);
    expect(Number((err as AppError).headers['Retry-After'])).toBe(60);
    // Another email from the same IP is still allowed; the window passes.
    expect(() => l.assertAllowed('1.2.3.4', 'b@x.test', t0 + 10)).not.toThrow();
    expect(() => l.assertAllowed('1.2.3.4', 'a@x.test', t0 + 61_000)).not.toThrow();
  });
});
