import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { today, type CalendarDate } from '@encours/domain';
import type { EntityManager } from 'typeorm';
import { DunningClock } from '../run/dunning-clock.js';

/**
 * "Today" for a tenant, in its time zone, on the dunning module's clock (DunningClock, provided by
 * DunningModule, which tests move), or on the system clock when that module is not loaded.
 */
@Injectable()
export class TenantToday {
  private clock: DunningClock | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  private dunningClock(): DunningClock | null {
    if (this.clock === undefined) {
      try {
        this.clock = this.moduleRef.get(DunningClock, { strict: false });
      } catch {
        this.clock = null;
      }
    }
    return this.clock ?? null;
  }

  forZone(timeZone: string): CalendarDate {
    return this.dunningClock()?.today(timeZone) ?? today(timeZone);
  }

  async forTenant(manager: EntityManager, tenantId: string): Promise<CalendarDate> {
    const [t]: Array<{ timezone: string }> = await manager.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenantId]);
    return this.forZone(t?.timezone ?? 'Europe/Paris');
  }
}
