import 'reflect-metadata';
import { AppConfig, ConfigError, createRootLogger } from '@encours/api-core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createApp } from './app.factory.js';
import { resolveDatabase, runMigrations } from './database.js';

/**
 * `npm start`: database (DATABASE_URL or embedded), migrations, optional demo tenant, then the
 * API and the web app on one port.
 */
async function main(): Promise<void> {
  const demoFlag = process.argv.includes('--demo');
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(process.env, demoFlag ? { demo: true } : {});
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const log = createRootLogger(config.logLevel);
  const db = await resolveDatabase(config, (m) => log.info(m));
  const applied = await runMigrations(db.url);
  if (applied.length) log.info({ migrations: applied }, `Applied ${applied.length} migration(s)`);

  const app = await createApp({ config, databaseUrl: db.url });
  await app.init();

  await app.listen(config.port, config.host);
  const url = `http://localhost:${config.port}`;
  let mailbox: { close(): Promise<void> } | null = null;
  if (config.demo) {
    const { seedDemo } = await import('./demo.js');
    const { startDemoMailbox } = await import('./demo-mailbox.js');
    const demoMailbox = await startDemoMailbox(log, config.dataDir);
    mailbox = demoMailbox;
    const { port } = app.getHttpServer().address() as { port: number };
    // The scheduled jobs wait while the demo is seeded: the seeding moves the clock through past
    // days and sets up SMTP, so a daily run started meanwhile would act on a half-built tenant.
    const crons = [...app.get(SchedulerRegistry).getCronJobs().values()];
    crons.forEach((job) => job.stop());
    try {
      await seedDemo(app, config, log, `http://127.0.0.1:${port}`, demoMailbox);
    } finally {
      crons.forEach((job) => job.start());
    }
  }
  log.info({ url }, `Encours is running on ${url} (API docs: ${url}/api/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`Received ${signal}, shutting down`);
    await app.close().catch(() => undefined);
    await mailbox?.close().catch(() => undefined);
    await db.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
