import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import {
  AppConfig,
  createRootLogger,
  httpLogger,
  Metrics,
  PinoNestLogger,
  ProblemFilter,
  requestContextMiddleware,
} from '@encours/api-core';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module.js';
import { buildOpenApiDocument } from './openapi.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Build the app without connecting to the database (OpenAPI generation). */
  manualDbInit?: boolean;
}

/** Builds the whole HTTP application: API under /api, the web app at /. */
export async function createApp({ config, databaseUrl, manualDbInit }: CreateAppOptions): Promise<NestExpressApplication> {
  const logger = createRootLogger(config.logLevel);
  const metrics = new Metrics();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, databaseUrl, { manualDbInit, metrics }),
    {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestContextMiddleware);
  app.use(metrics.middleware);
  app.use(httpLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id', 'Idempotency-Key'],
  });
  app.useBodyParser('json', { limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  app.useBodyParser('text', { limit: config.bodyLimit, type: ['text/csv', 'application/x-ndjson', 'text/plain'] });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ProblemFilter());

  const document = buildOpenApiDocument(app);
  app.use('/api/openapi.json', (req: Request, res: Response, next: NextFunction) =>
    req.method === 'GET' ? res.json(document) : next(),
  );
  SwaggerModule.setup('api/docs', app, document, {
    customSiteTitle: 'Encours API',
    swaggerOptions: { persistAuthorization: true },
  });

  const webDist = config.webDist ?? join(process.cwd(), 'apps/web/dist');
  if (existsSync(join(webDist, 'index.html'))) {
    app.use('/assets', express.static(join(webDist, 'assets'), { immutable: true, maxAge: '365d', fallthrough: true }));
    app.use(express.static(webDist, { index: false }));
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/assets/')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(webDist, 'index.html'));
    });
  }
  app.enableShutdownHooks();
  return app;
}
