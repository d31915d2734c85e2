import { Injectable } from '@nestjs/common';
import type { CalendarDate } from '@encours/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { DunningClock } from '../run/dunning-clock.js';

/**
 * "Now" and a tenant's "today" (in its time zone) on the dunning module's one clock,
 * `DunningClock`, which tests move with `travelTo`. Every service of the module asks here.
 */
@Injectable()
export class TenantToday {
  constructor(
    private readonly clock: DunningClock,
    private readonly dataSource: DataSource,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  forZone(timeZone: string): CalendarDate {
    return this.clock.today(timeZone);
  }

  async forTenant(manager: EntityManager, tenantId: string): Promise<CalendarDate> {
    const [t]: Array<{ timezone: string }> = await manager.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenantId]);
    return this.forZone(t?.timezone ?? 'Europe/Paris');
  }

  /** Today for the tenant (same as `forTenant`, arguments in the order the commitments use). */
  today(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<CalendarDate> {
    return this.forTenant(manager, tenantId);
  }
}
