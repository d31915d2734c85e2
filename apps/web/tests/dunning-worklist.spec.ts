import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { WorklistItem } from '../src/api/dunning';
import { ApiError } from '../src/api/problem';
import type { TimelineItem } from '../src/api/reporting';
import { timelineDocuments, timelineTitle } from '../src/features/customers/timeline';
import { fieldErrors } from '../src/features/dunning/field-errors';
import { useWorklistStore } from '../src/features/dunning/store';
import { setLocale, t } from '../src/i18n';
import { fakeFetch, json } from './helpers';

function task(id: string, kind: WorklistItem['kind'], priority: number): WorklistItem {
  return {
    id,
    kind,
    title: kind,
    dueDate: '2026-11-25',
    status: 'open',
    priority,
    lateProbability: null,
    customer: { id: `c-${id}`, name: `Client ${id}`, externalRef: `C${id}`, blocked: false },
    overdue: '1200.00',
    currency: 'EUR',
    daysLate: 12,
    assigneeId: null,
    assigneeName: null,
    actionId: `a-${id}`,
    stepName: 'Relance 1',
    action: 'email',
    brokenPromises: 0,
    outcome: null,
    comment: null,
  };
}

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('worklist store', () => {
  it('reads every page of the day, counts the tasks by kind and filters by kind locally', async () => {
    const all = [
      ...Array.from({ length: 200 }, (_, i) => task(`a${i}`, 'call', 90 - i / 10)),
      task('v1', 'validation', 40),
      task('f1', 'send_failed', 20),
    ];
    // fakeFetch keeps the path only: the query (assignee, paging) is read off the request here.
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      const url = new URL(request.url);
      urls.push(`${url.pathname}${url.search}`);
      const page = Number(url.searchParams.get('page') ?? '1');
      return json(200, { items: all.slice((page - 1) * 200, page * 200), total: all.length, page, pageSize: 200 });
    });
    const store = useWorklistStore();
    await store.load({ assignee: 'all' });
    expect(urls).toEqual([
      '/api/v1/dunning/worklist?assignee=all&page=1&pageSize=200',
      '/api/v1/dunning/worklist?assignee=all&page=2&pageSize=200',
    ]);
    expect(store.all).toHaveLength(202);
    expect(store.counts.call).toBe(200);
    expect(store.counts.validation).toBe(1);
    expect(store.counts.letter).toBe(0);
    store.kind = 'validation';
    expect(store.items.map((i) => i.id)).toEqual(['v1']);
    expect(store.truncated).toBe(false);
  });

  it('drops a task once it is done, and sends the call outcome', async () => {
    const { calls } = fakeFetch((call) => {
      if (call.path.startsWith('/dunning/worklist'))
        return json(200, { items: [task('1', 'call', 50)], total: 1, page: 1, pageSize: 200 });
      return new Response(null, { status: 204 });
    });
    const store = useWorklistStore();
    await store.load();
    await store.complete('1', { outcome: 'promise', comment: 'Virement vendredi' });
    expect(calls[1]).toMatchObject({ method: 'POST', path: '/dunning/tasks/1/complete', body: { outcome: 'promise' } });
    expect(store.all).toEqual([]);
    expect(store.total).toBe(0);
  });
});

describe('field errors', () => {
  it('maps problem+json errors to their field path', () => {
    const error = new ApiError(400, {
      title: 'Bad Request',
      errors: [
        { field: 'steps[1].offsetDays', message: 'offsets out of order' },
        { field: 'steps[1].offsetDays', message: 'again' },
        { field: 'name', message: 'name must not be empty' },
      ],
    });
    expect(fieldErrors(error)).toEqual({ 'steps[1].offsetDays': 'offsets out of order again', name: 'name must not be empty' });
    expect(fieldErrors(new ApiError(409, { title: 'Conflict' }))).toEqual({});
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});

describe('dunning events on the timeline', () => {
  const item = (type: string, extra: Partial<TimelineItem> = {}): TimelineItem => ({
    id: type,
    type,
    occurredAt: '2026-11-25T06:00:03Z',
    title: 'English title from the API',
    source: 'dunning',
    ...extra,
  });

  it('words the reminders, holds, promises and plans in the UI language', () => {
    const sent = item('dunning.email_sent', { related: { kind: 'dunning_action', id: 'a', label: 'Relance 1 (2026-11-25)' } });
    expect(timelineTitle(sent, t)).toBe('E-mail de relance envoyé – Relance 1 (2026-11-25)');
    expect(timelineTitle(item('dunning.hold', { data: { holdUntil: '2026-12-15' } }), t)).toBe(
      "Relances suspendues jusqu'au 15/12/2026",
    );
    expect(timelineTitle(item('dunning.hold', { data: { holdUntil: null } }), t)).toBe('Suspension des relances levée');
    expect(timelineTitle(item('promise.created', { data: { promisedDate: '2026-12-01' } }), t)).toBe(
      'Promesse de règlement pour le 01/12/2026',
    );
    expect(timelineTitle(item('payment_plan.breached'), t)).toBe('Échéancier de paiement rompu');
    expect(timelineTitle(item('dunning.something_new'), t)).toBe('English title from the API');
    setLocale('en', false);
    expect(timelineTitle(sent, t)).toBe('Reminder email sent – Relance 1 (2026-11-25)');
  });

  it('lists the documents an event carries, ignoring malformed entries', () => {
    const docs = timelineDocuments(
      item('dunning.formal_notice', {
        data: {
          documents: [
            { id: 'd1', kind: 'formal_notice', filename: 'mise-en-demeure-C1.pdf' },
            { id: 'd2', filename: 'message.eml' },
            { kind: 'email' },
            'junk',
          ],
        },
      }),
    );
    expect(docs).toEqual([
      { id: 'd1', kind: 'formal_notice', filename: 'mise-en-demeure-C1.pdf' },
      { id: 'd2', kind: 'attachment', filename: 'message.eml' },
    ]);
    expect(timelineDocuments(item('note'))).toEqual([]);
  });
});
