import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface DemoMailbox {
  host: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

/**
 * The demo's local SMTP server (`--demo`): a real SMTP server process on 127.0.0.1 that accepts
 * every message and writes it as an .eml file under `<DATA_DIR>/mailbox/` (`.data/mailbox/` by default) (open them with any mail
 * client). The demo tenant's dunning settings point at it, so the daily run really sends its
 * reminders over SMTP. Port: DEMO_SMTP_PORT (default 2525; 0 = any free port). Uses the
 * `smtp-server` package, installed with the development dependencies (`npm install`); without it
 * the demo falls back to the sink transport (emails archived, not sent).
 */
export async function startDemoMailbox(log: Logger, dataDir: string): Promise<DemoMailbox | null> {
  let SMTPServer: typeof import('smtp-server').SMTPServer;
  try {
    ({ SMTPServer } = await import('smtp-server'));
  } catch {
    log.warn('smtp-server is not installed: the demo sends its reminders to the sink transport');
    return null;
  }
  const dir = join(dataDir, 'mailbox');
  mkdirSync(dir, { recursive: true });
  let seq = readdirSync(dir).length;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++seq).padStart(5, '0')}-${to.replace(/[^a-z0-9@.-]/gi, '_').slice(0, 80)}.eml`;
        writeFileSync(join(dir, name), Buffer.concat(chunks));
        cb();
      });
    },
  });
  const wanted = Number(process.env.DEMO_SMTP_PORT ?? 2525);
  const port = await new Promise<number | null>((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(wanted, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
  if (port === null) {
    log.warn({ port: wanted }, 'Demo SMTP port busy: the demo sends its reminders to the sink transport (set DEMO_SMTP_PORT)');
    return null;
  }
  log.info({ port, dir }, `Demo mailbox: SMTP on 127.0.0.1:${port}, messages saved in ${dir}`);
  return { host: '127.0.0.1', port, dir, close: () => new Promise<void>((r) => server.close(() => r())) };
}
