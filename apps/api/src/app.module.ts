import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, CoreModule, dataSourceOptions, Metrics } from '@encours/api-core';
import { DunningModule } from '@encours/dunning';
import { ReceivablesModule } from '@encours/receivables';
import { ScoringModule } from '@encours/scoring';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/** The composition root: the platform plus every domain module. */
@Module({})
export class AppModule {
  static register(
    config: AppConfig,
    databaseUrl: string,
    options: { manualDbInit?: boolean; metrics?: Metrics } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: databaseUrl,
            entities: ENTITIES,
            migrations: MIGRATIONS,
            poolSize: config.dbPoolSize,
            logQueries: config.dbLogQueries,
          }),
          manualInitialization: options.manualDbInit ?? false,
          retryAttempts: 2,
          retryDelay: 500,
        }),
        CoreModule.forRoot(config, options.metrics),
        ReceivablesModule,
        ScoringModule,
        DunningModule,
      ],
    };
  }
}
