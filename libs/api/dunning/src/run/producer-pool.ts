import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { produce, type ProduceJob, type ProduceResult } from './produce.js';

interface Pending {
  resolve: (r: ProduceResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/** Jobs of a batch smaller than this are produced inline (a worker round trip is not worth it). */
const MIN_JOBS_FOR_WORKERS = 50;

/**
 * Produces delivery messages (render, PDF, MIME) on worker threads, so a large run uses every
 * core while the main thread talks to PostgreSQL and the SMTP server. Workers start on first use
 * (one per core, at most 4; `DUNNING_RENDER_WORKERS` overrides, 0 disables) and only from the
 * built code: under the test runner (TypeScript sources) everything is produced inline, by the
 * same `produce` function.
 */
@Injectable()
export class ProducerPool implements OnModuleDestroy {
  private readonly logger = new Logger('DunningProducers');
  private slots: Slot[] | null = null;
  private seq = 0;
  private readonly workerFile: string | null;
  private readonly size: number;

  constructor() {
    const url = new URL('./produce.worker.js', import.meta.url);
    const file = url.protocol === 'file:' ? fileURLToPath(url) : null;
    this.workerFile = file && import.meta.url.endsWith('.js') && existsSync(file) ? file : null;
    const configured = process.env.DUNNING_RENDER_WORKERS;
    this.size = configured !== undefined ? Math.max(0, Number(configured) || 0) : Math.min(4, availableParallelism());
  }

  /** Whether `count` jobs go to the workers. */
  usesWorkers(count: number): boolean {
    return this.workerFile !== null && this.size > 0 && count >= MIN_JOBS_FOR_WORKERS;
  }

  run(job: ProduceJob, viaWorkers: boolean): Promise<ProduceResult> {
    if (!viaWorkers) return produce(job);
    const slot = this.pick();
    const id = ++this.seq;
    return new Promise<ProduceResult>((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job });
    }).then((r) => revive(r));
  }

  private pick(): Slot {
    if (!this.slots) {
      this.slots = Array.from({ length: this.size }, () => this.spawn());
      this.logger.log({ workers: this.size }, 'Render workers started');
    }
    return this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerFile!);
    worker.unref();
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on('message', (msg: { id: number; result?: ProduceResult; error?: string }) => {
      const p = slot.inFlight.get(msg.id);
      if (!p) return;
      slot.inFlight.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result!);
    });
    const fail = (err: Error) => {
      for (const p of slot.inFlight.values()) p.reject(err);
      slot.inFlight.clear();
      if (this.slots) this.slots = this.slots.map((s) => (s === slot ? this.spawn() : s));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`Render worker exited with code ${code}`));
    });
    return slot;
  }

  async onModuleDestroy(): Promise<void> {
    const slots = this.slots ?? [];
    this.slots = null;
    await Promise.all(slots.map((s) => s.worker.removeAllListeners('exit').terminate()));
  }
}

/** Buffers come back from a worker as Uint8Arrays. */
function revive(r: ProduceResult): ProduceResult {
  if (!r.ok) return r;
  const buf = (u: Uint8Array) => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  return {
    ...r,
    pdf: r.pdf ? { ...r.pdf, content: buf(r.pdf.content) } : null,
    email: r.email ? { ...r.email, raw: buf(r.email.raw) } : null,
  };
}
