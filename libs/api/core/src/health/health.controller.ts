import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { UnauthorizedError } from '../errors/app-error.js';
import { Metrics } from '../http/metrics.js';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' }) status: string;
  @ApiProperty({ enum: ['up', 'down'], example: 'up' }) database: string;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ example: 3600 }) uptimeSeconds: number;
}

@ApiTags('platform')
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and database check (for load balancers and monitoring)' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'The database does not answer' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    let database: 'up' | 'down' = 'up';
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      database = 'down';
    }
    if (database === 'down') res.status(503);
    return {
      status: database === 'up' ? 'ok' : 'degraded',
      database,
      version: '0.1.0',
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(@Headers('authorization') auth?: string): Promise<string> {
    if (this.config.metricsToken && auth !== `Bearer ${this.config.metricsToken}`) {
      throw new UnauthorizedError('Metrics need the METRICS_TOKEN bearer token');
    }
    return this.metrics.registry.metrics();
  }
}
