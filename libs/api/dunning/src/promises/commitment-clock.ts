import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { CalendarDate } from '@encours/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { DunningClock } from '../run/dunning-clock.js';

/**
 * Today's date in the tenant's time zone, read from the dunning module's clock (the one tests
 * move with `travelTo`). The clock is provided by DunningModule, which imports this module, so it
 * is looked up in the application rather than injected (a second instance would not move).
 */
@Injectable()
export class CommitmentClock {
  private resolved: DunningClock | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
  ) {}

  private clock(): DunningClock {
    this.resolved ??= this.lookup();
    return this.resolved;
  }

  private lookup(): DunningClock {
    try {
      return this.moduleRef.get(DunningClock, { strict: false }) ?? new DunningClock();
    } catch {
      return new DunningClock();
    }
  }

  now(): Date {
    return this.clock().now();
  }

  async today(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<CalendarDate> {
    const [t]: Array<{ timezone: string }> = await manager.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenantId]);
    return this.clock().today(t?.timezone ?? 'Europe/Paris');
  }
}
