import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())));

/** Every configuration key, validated once at start. `.env.example` documents each one. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_LOG_QUERIES: bool.default(false),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i, 'must look like 512kb or 25mb')
    .default('25mb'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16).optional(),
  WEB_DIST: z.string().optional(),
  JOBS_ENABLED: bool.default(true),
  DEMO: bool.default(false),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
  }
}

/** The typed configuration object, provided to every module as `AppConfig`. */
export class AppConfig {
  readonly env!: RawConfig['NODE_ENV'];
  readonly port!: number;
  readonly host!: string;
  readonly databaseUrl?: string;
  readonly dataDir!: string;
  readonly embeddedPgPort!: number;
  readonly dbPoolSize!: number;
  readonly dbLogQueries!: boolean;
  readonly jwtSecret!: string;
  readonly jwtAccessTtlSeconds!: number;
  readonly refreshTokenTtlDays!: number;
  readonly loginMaxAttempts!: number;
  readonly loginWindowSeconds!: number;
  readonly corsOrigins!: string[];
  readonly bodyLimit!: string;
  readonly logLevel!: RawConfig['LOG_LEVEL'];
  readonly metricsToken?: string;
  readonly webDist?: string;
  readonly jobsEnabled!: boolean;
  readonly demo!: boolean;
  readonly demoPassword?: string;

  static fromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
    const cleaned = Object.fromEntries(
      Object.entries(env).filter(([k, v]) => k in configSchema.shape && v !== undefined && v !== ''),
    );
    const parsed = configSchema.safeParse(cleaned);
    if (!parsed.success) {
      throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    }
    const c = parsed.data;
    const dataDir = resolve(c.DATA_DIR);
    let jwtSecret = c.JWT_SECRET;
    if (!jwtSecret) {
      if (c.NODE_ENV === 'production') throw new ConfigError(['JWT_SECRET: required in production']);
      jwtSecret = c.NODE_ENV === 'test' ? randomBytes(32).toString('hex') : persistentDevSecret(dataDir);
    }
    return Object.assign(new AppConfig(), {
      env: c.NODE_ENV,
      port: c.PORT,
      host: c.HOST,
      databaseUrl: c.DATABASE_URL,
      dataDir,
      embeddedPgPort: c.EMBEDDED_PG_PORT,
      dbPoolSize: c.DB_POOL_SIZE,
      dbLogQueries: c.DB_LOG_QUERIES,
      jwtSecret,
      jwtAccessTtlSeconds: c.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlDays: c.REFRESH_TOKEN_TTL_DAYS,
      loginMaxAttempts: c.LOGIN_MAX_ATTEMPTS,
      loginWindowSeconds: c.LOGIN_WINDOW_SECONDS,
      corsOrigins: c.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      bodyLimit: c.BODY_LIMIT,
      logLevel: c.LOG_LEVEL,
      metricsToken: c.METRICS_TOKEN,
      webDist: c.WEB_DIST,
      jobsEnabled: c.JOBS_ENABLED,
      demo: c.DEMO,
      demoPassword: c.DEMO_PASSWORD,
      ...overrides,
    });
  }
}

/** A development secret kept in the data folder so that sessions survive a restart. */
function persistentDevSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
