import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Computes, stores and explains customers' behavioural scores and grades. */
@Injectable()
export class ScoreService {
  /**
   * Recomputes the scores of these customers (every customer of the tenant when null) inside the
   * caller's transaction: current score, the day's history row, grade-change alerts.
   */
  async refresh(m: EntityManager, tenantId: string, customerIds: string[] | null): Promise<void> {
    void m;
    void tenantId;
    void customerIds;
    throw new Error('ScoreService.refresh: being written');
  }
}
