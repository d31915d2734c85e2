import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '@encours/api-core';
import { ImportsService } from './imports.service.js';

/** Every second: runs the queued imports (large ones and file uploads). Ticks never overlap. */
@Injectable()
export class ImportQueueJob {
  private readonly logger = new Logger('Imports');
  private running = false;

  constructor(
    private readonly imports: ImportsService,
    private readonly config: AppConfig,
  ) {}

  @Interval('imports.queue', 1000)
  async onTick(): Promise<void> {
    if (!this.config.jobsEnabled || this.running) return;
    this.running = true;
    try {
      await this.imports.processQueued();
    } catch (err) {
      this.logger.error({ err }, 'Import queue failed');
    } finally {
      this.running = false;
    }
  }
}
