import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { scenarioAssignmentSql } from './scenario-assignment.js';

export type ScenarioSource = 'explicit' | 'rule' | 'default';

export interface ResolvedScenario {
  scenarioId: string | null;
  scenarioName: string | null;
  source: ScenarioSource;
}

/**
 * Resolves the scenario customers follow (explicit assignment, else the first matching rule by
 * priority, else the default; see scenario-assignment.ts). The run embeds `sql()` in its own
 * statement; the API resolves a few customers with `resolve`.
 */
@Injectable()
export class ScenarioResolver {
  /** The CTE `customer_scenario(customer_id, scenario_id)`, parameterised by `$1` = tenant id. */
  sql(): string {
    return scenarioAssignmentSql();
  }

  /** The scenario of each given customer of the tenant (customers of another tenant are absent). */
  async resolve(manager: EntityManager, tenantId: string, customerIds: string[]): Promise<Map<string, ResolvedScenario>> {
    if (!customerIds.length) return new Map();
    const rows: Array<{
      customer_id: string;
      scenario_id: string | null;
      name: string | null;
      is_default: boolean | null;
      explicit: boolean;
    }> = await manager.query(
      `WITH ${scenarioAssignmentSql()}
         SELECT cs.customer_id, cs.scenario_id, s.name, s.is_default,
                (cd.scenario_id IS NOT NULL AND cd.scenario_id = cs.scenario_id) AS explicit
           FROM customer_scenario cs
           LEFT JOIN dunning_scenario s ON s.id = cs.scenario_id AND s.tenant_id = $1::uuid
           LEFT JOIN customer_dunning cd ON cd.tenant_id = $1::uuid AND cd.customer_id = cs.customer_id
          WHERE cs.customer_id = ANY ($2::uuid[])`,
      [tenantId, customerIds],
    );
    return new Map(
      rows.map((r) => [
        r.customer_id,
        {
          scenarioId: r.scenario_id,
          scenarioName: r.name,
          source: r.explicit ? 'explicit' : r.is_default ? 'default' : 'rule',
        },
      ]),
    );
  }
}
