import 'reflect-metadata';
import { AppConfig, ProvisioningService, AppError } from '@encours/api-core';
import { parseArgs } from 'node:util';
import { createDataSource, resolveDatabase, runMigrations } from './database.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  tenant:create --name <name> --admin-email <email> [--admin-name <name>]
      Creates a tenant and its first admin; prints the admin's one-time password.
  migration:run
      Applies pending migrations.
  demo:seed [--password <password>]
      Creates (or resets) the demo tenant and its users.

Uses DATABASE_URL when set, the embedded PostgreSQL in DATA_DIR otherwise.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  const config = AppConfig.fromEnv();
  const db = await resolveDatabase(config);
  try {
    await runMigrations(db.url);
    if (command === 'migration:run') {
      console.log('Migrations are up to date.');
      return 0;
    }
    const ds = createDataSource(db.url);
    await ds.initialize();
    try {
      const provisioning = new ProvisioningService(ds);
      if (command === 'tenant:create') {
        if (!values.name || !values['admin-email']) {
          console.error('tenant:create needs --name and --admin-email\n\n' + USAGE);
          return 2;
        }
        const r = await provisioning.createTenant({
          name: values.name,
          adminEmail: values['admin-email'],
          adminName: values['admin-name'],
        });
        console.log(`Tenant "${r.tenant.name}" created (id ${r.tenant.id}).`);
        console.log(`Admin: ${r.admin.email}`);
        console.log(`One-time password: ${r.password}`);
        console.log('The admin must change it at first sign-in.');
        return 0;
      }
      if (command === 'demo:seed') {
        const r = await provisioning.ensureDemoTenant(values.password ?? config.demoPassword);
        console.log(`Demo tenant "${r.tenant.name}" ${r.created ? 'created' : 'updated'}.`);
        for (const u of r.users) console.log(`  ${u.role.padEnd(15)} ${u.email}`);
        console.log(`Password: ${r.password}`);
        return 0;
      }
      console.error(`Unknown command ${command}\n\n${USAGE}`);
      return 2;
    } finally {
      await ds.destroy();
    }
  } catch (e) {
    if (e instanceof AppError) {
      console.error(
        `Error: ${e.message}${e.errors.length ? ` (${e.errors.map((x) => `${x.field}: ${x.message}`).join('; ')})` : ''}`,
      );
      return 1;
    }
    throw e;
  } finally {
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
