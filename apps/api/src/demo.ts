import type { INestApplication } from '@nestjs/common';
import { AppConfig, ProvisioningService } from '@encours/api-core';
import type { Logger } from 'pino';

/** `npm start -- --demo`: the demo tenant with one user per role, credentials printed. */
export async function seedDemo(app: INestApplication, config: AppConfig, log: Logger): Promise<void> {
  const provisioning = app.get(ProvisioningService);
  const demo = await provisioning.ensureDemoTenant(config.demoPassword);
  log.info({ tenant: demo.tenant.name, created: demo.created }, 'Demo tenant ready');
  const lines = [
    '',
    '  Demo tenant "' + demo.tenant.name + '" ready. Sign in at http://localhost:' + config.port,
    ...demo.users.map((u) => `    ${u.role.padEnd(15)} ${u.email}`),
    `  Password for every demo user: ${config.demoPassword ? '(from DEMO_PASSWORD)' : demo.password}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
