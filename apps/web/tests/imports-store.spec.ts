import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useImportsStore } from '../src/features/imports/store';
import { json, problem } from './helpers';

const CSV = 'Code client;Raison sociale;Commentaire;segment\r\nC1;Dupont SAS;ok;\r\nC2;Martin SA;;BTP\r\n';

interface Sent {
  url: URL;
  contentType: string | null;
  idempotencyKey: string | null;
  body: string;
}

function stubFetch(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      const s = {
        url: new URL(request.url),
        contentType: request.headers.get('Content-Type'),
        idempotencyKey: request.headers.get('Idempotency-Key'),
        body: await request.text(),
      };
      sent.push(s);
      return answer(s);
    }),
  );
  return sent;
}

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('imports store', () => {
  it('reads the file, proposes the mapping and sends the CSV as is with the mapping for a dry run', async () => {
    const sent = stubFetch(() =>
      json(200, {
        id: 'run-1',
        entity: 'customers',
        mode: 'upsert',
        dryRun: true,
        status: 'succeeded',
        counts: { received: 2, created: 2, updated: 0, unchanged: 0, failed: 0, closed: 0 },
        errors: [],
      }),
    );
    const store = useImportsStore();
    store.setFile('clients.csv', CSV);
    expect(store.preview?.delimiter).toBe(';');
    expect(store.preview?.rowCount).toBe(2);
    // "segment" is a field name but the user leaves it out: it must not be read as the segment.
    store.assignment.segment = null;
    expect(store.ready).toBe(true);
    const outcome = await store.run(true);
    expect(outcome).toMatchObject({ ok: true, dryRun: true, counts: { created: 2 } });
    const [request] = sent;
    expect(request!.url.pathname).toBe('/api/v1/imports/customers');
    expect(request!.url.searchParams.get('dryRun')).toBe('true');
    expect(request!.url.searchParams.get('source')).toBe('file');
    expect(request!.url.searchParams.get('delimiter')).toBe(';');
    expect(JSON.parse(request!.url.searchParams.get('mapping')!)).toEqual({
      'Code client': 'externalRef',
      'Raison sociale': 'name',
      segment: '_ignored_4',
    });
    expect(request!.contentType).toMatch(/^text\/csv/);
    expect(request!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(request!.body).toBe(CSV);
  });

  it('shows the rejected rows of a 422 (nothing written) with their counts', async () => {
    stubFetch(() =>
      problem(422, 'Unprocessable Content', {
        detail: '1 row has errors: nothing was imported',
        importId: 'run-2',
        counts: { received: 2, created: 0, updated: 0, unchanged: 0, failed: 1, closed: 0 },
        errors: [{ row: 2, field: 'siren', message: 'siren must be 9 digits' }],
      }),
    );
    const store = useImportsStore();
    store.setFile('clients.csv', CSV);
    const outcome = await store.run(false);
    expect(outcome).toMatchObject({ ok: false, dryRun: false, id: 'run-2', counts: { failed: 1 } });
    expect(outcome.errors).toEqual([{ row: 2, field: 'siren', message: 'siren must be 9 digits' }]);
  });

  it('requires the mandatory fields before it can run', () => {
    const store = useImportsStore();
    store.setEntity('invoices');
    store.setFile('factures.csv', 'N° facture;Montant TTC\nF1;10,00\n');
    expect(store.ready).toBe(false);
    expect(store.missing).toEqual(['externalRef', 'customerRef', 'issueDate', 'dueDate', 'currency']);
  });
});
