import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';

/**
 * Failed-login limiter per (client IP, email) and per IP: after N failures within the window,
 * further attempts get 429 with Retry-After until the window passes. Kept in memory: each API
 * process limits on its own, which bounds guessing to N x processes per window.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly config: AppConfig) {}

  private keys(ip: string, email: string): string[] {
    return [`ip:${ip}`, `pair:${ip}:${email.toLowerCase()}`];
  }

  assertAllowed(ip: string, email: string, now = Date.now()): void {
    const windowMs = this.config.loginWindowSeconds * 1000;
    for (const key of this.keys(ip, email)) {
      const limit = key.startsWith('ip:') ? this.config.loginMaxAttempts * 5 : this.config.loginMaxAttempts;
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < windowMs);
      this.failures.set(key, recent);
      if (recent.length >= limit) {
        const retryAfter = Math.ceil((recent[0] + windowMs - now) / 1000);
        throw new AppError(429, 'too-many-login-attempts', 'Too many failed sign-in attempts; try again later', [], {
          'Retry-After': String(Math.max(retryAfter, 1)),
        });
      }
    }
  }

  recordFailure(ip: string, email: string, now = Date.now()): void {
    for (const key of this.keys(ip, email)) {
      const list = this.failures.get(key) ?? [];
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 50_000) this.failures.clear();
  }

  recordSuccess(ip: string, email: string): void {
    this.failures.delete(`pair:${ip}:${email.toLowerCase()}`);
  }
}
