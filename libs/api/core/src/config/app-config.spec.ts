import { describe, expect, it } from '@jest/globals';
import { AppConfig, ConfigError } from './app-config.js';

describe('AppConfig', () => {
  it('applies defaults and parses types', () => {
    const c = AppConfig.fromEnv({
      NODE_ENV: 'test',
      PORT: '4000',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DEMO: 'yes',
    });
    expect(c).toMatchObject({ port: 4000, dbPoolSize: 10, corsOrigins: ['https://a.example', 'https://b.example'], demo: true });
    expect(c.jwtSecret).toHaveLength(64);
  });

  it('names every invalid key', () => {
    try {
      AppConfig.fromEnv({ NODE_ENV: 'test', PORT: 'eighty', DATABASE_URL: 'mysql://x', BODY_LIMIT: 'lots' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
      expect(msg).toMatch(/BODY_LIMIT/);
    }
  });

  it('requires a JWT secret in production', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/db' })).toThrow(/JWT_SECRET/);
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });
});
