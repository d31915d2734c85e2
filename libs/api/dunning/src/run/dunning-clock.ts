import { Injectable } from '@nestjs/common';
import { today, type CalendarDate } from '@encours/domain';

/**
 * The dunning module's clock. Production reads the system time; tests move it (`travelTo`) to
 * walk a customer through a scenario over simulated days without waiting.
 */
@Injectable()
export class DunningClock {
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
