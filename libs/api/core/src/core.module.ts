import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditController, AuditService } from './audit/audit.controller.js';
import { ApiKeysController } from './auth/api-keys.controller.js';
import { ApiKeysService } from './auth/api-keys.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { LoginRateLimiter } from './auth/login-rate-limiter.js';
import { UsersController } from './auth/users.controller.js';
import { UsersService } from './auth/users.service.js';
import { AppConfig } from './config/app-config.js';
import { TenantDb } from './database/tenant-db.js';
import { ProblemFilter } from './errors/problem.filter.js';
import { createValidationPipe } from './errors/validation.js';
import { DomainEvents } from './events/domain-events.service.js';
import { WebhookDispatcher } from './events/webhook-dispatcher.service.js';
import { WebhooksController } from './events/webhooks.controller.js';
import { WebhooksService } from './events/webhooks.service.js';
import { HealthController } from './health/health.controller.js';
import { Metrics } from './http/metrics.js';
import { JobRunsService, JobsController, RefreshTokenCleanupJob } from './jobs/jobs.controller.js';
import { JobsService } from './jobs/jobs.service.js';
import { ProvisioningService } from './tenancy/provisioning.service.js';
import { TenancyController } from './tenancy/tenancy.controller.js';
import { TenancyService } from './tenancy/tenancy.service.js';
import { Clock, TenantToday } from './time/clock.js';

const SERVICES = [
  Clock,
  TenantToday,
  TenantDb,
  AuthService,
  ApiKeysService,
  UsersService,
  LoginRateLimiter,
  TenancyService,
  ProvisioningService,
  AuditService,
  JobsService,
  JobRunsService,
  RefreshTokenCleanupJob,
  DomainEvents,
  WebhooksService,
  WebhookDispatcher,
];

/**
 * The platform: config, auth (users, API keys, roles), tenancy, errors, validation, audit,
 * jobs, health and metrics. Global, so that domain modules just inject what they need.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, metrics: Metrics = new Metrics()): DynamicModule {
    return {
      module: CoreModule,
      imports: [JwtModule.register({}), ScheduleModule.forRoot()],
      controllers: [
        HealthController,
        AuthController,
        UsersController,
        ApiKeysController,
        TenancyController,
        AuditController,
        JobsController,
        WebhooksController,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Metrics, useValue: metrics },
        ...SERVICES,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [AppConfig, Metrics, ...SERVICES],
    };
  }
}
