import { parentPort } from 'node:worker_threads';
import { produce, type ProduceJob, type ProduceResult } from './produce.js';

/** A render worker of the delivery (see ProducerPool): produces messages sent by the main thread. */
parentPort!.on('message', (msg: { id: number; job: ProduceJob }) => {
  produce(msg.job).then(
    (result: ProduceResult) => parentPort!.postMessage({ id: msg.id, result }),
    (err: unknown) =>
      parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
