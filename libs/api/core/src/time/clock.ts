import { Injectable } from '@nestjs/common';
import { today, type CalendarDate } from '@encours/domain';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The platform's one clock. Production reads the system time; tests and the demo move it
 * (`travelTo`) to walk through simulated days (a dunning scenario, limit reviews...) without waiting.
 * Every module asks it (or `TenantToday`) for "now", never `new Date()` for business time.
 */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  today(timeZone: string): CalendarDate {
    return today(timeZone, this.now());
  }

  /** Test helper: freezes the clock at this instant (null: back to the system time). */
  travelTo(at: Date | null): void {
    this.fixed = at ? new Date(at) : null;
  }
}

/** "Now" and a tenant's "today" (in its time zone) on the platform `Clock`. */
@Injectable()
export class TenantToday {
  constructor(
    private readonly clock: Clock,
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
