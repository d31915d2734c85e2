import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import PaymentPlanDialog from '../src/features/dunning/components/PaymentPlanDialog.vue';
import type { PaymentPlanInput } from '../src/api/dunning';
import type { Invoice } from '../src/api/types';
import { installPlugins } from '../src/plugins';

function invoice(id: string, openAmount: string): Invoice {
  return {
    id,
    number: `FA-${id}`,
    customerId: 'c-1',
    customerName: 'Dupont SAS',
    kind: 'invoice',
    issueDate: '2026-09-01',
    dueDate: '2026-10-01',
    amount: openAmount,
    openAmount,
    currency: 'EUR',
    status: 'open',
    disputed: false,
  } as unknown as Invoice;
}

beforeEach(() => {
  // jsdom has no ResizeObserver; PrimeVue's auto-resizing Textarea observes itself.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
});

function mountDialog() {
  return mount(PaymentPlanDialog, {
    attachTo: document.body,
    props: {
      visible: false,
      saving: false,
      customerName: 'Dupont SAS',
      invoices: [invoice('1', '600.00'), invoice('2', '400.00')],
      preselected: ['1', '2'],
      errors: {},
    },
    global: { plugins: [{ install: (app) => installPlugins(app, createPinia()) }] },
  });
}

const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u00a0]/g, ' ');
const q = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const all = (testid: string) => [...document.body.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)];

describe('PaymentPlanDialog', () => {
  it('splits the total of the invoices into three monthly instalments that add up exactly', async () => {
    const wrapper = mountDialog();
    await wrapper.setProps({ visible: true });
    await flushPromises();
    expect(plain(q('plan-total')?.textContent)).toContain('1 000,00 €');
    const rows = all('plan-instalment-row');
    expect(rows).toHaveLength(3);
    const amounts = rows.map((r) => r.querySelector<HTMLInputElement>('[data-testid="plan-instalment-amount"] input')?.value);
    expect(amounts.map(plain)).toEqual(['333,33 €', '333,33 €', '333,34 €']);
    expect(q('plan-sum-check')?.dataset.ok).toBe('true');

    q('plan-submit')?.click();
    await flushPromises();
    const [[input]] = wrapper.emitted('save') as [[PaymentPlanInput]];
    expect(input.invoiceIds).toEqual(['1', '2']);
    expect(input.instalments?.map((i) => i.amount)).toEqual(['333.33', '333.33', '333.34']);
    const [first, second] = input.instalments ?? [];
    expect(second!.dueDate > first!.dueDate).toBe(true);
    expect(input).not.toHaveProperty('includePenalties');
    wrapper.unmount();
  });

  it('says what is missing once a row no longer adds up, and does not submit', async () => {
    const wrapper = mountDialog();
    await wrapper.setProps({ visible: true });
    await flushPromises();
    q('plan-add-row')?.click();
    await flushPromises();
    // A fourth row gets what is missing: nothing, so the amount stays empty and the row is invalid.
    expect(all('plan-instalment-row')).toHaveLength(4);
    expect(q('plan-submit')?.hasAttribute('disabled')).toBe(true);
    const remove = all('plan-instalment-row')[0]!.querySelector<HTMLButtonElement>('button[aria-label]');
    remove?.click();
    await flushPromises();
    expect(q('plan-sum-check')?.dataset.ok).toBe('false');
    expect(plain(q('plan-sum-check')?.textContent)).toContain('Il manque 333,33 €');
    wrapper.unmount();
  });
});
