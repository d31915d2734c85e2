import { Injectable } from '@nestjs/common';
import { RequestContext, TenantDb, ValidationFailed } from '@encours/api-core';
import { Customer, CustomerContact } from '../customers/customer.entity.js';
import type { CallOutcome, CreateCallDto, CreateNoteDto } from './timeline.dto.js';
import { TimelineService, type TimelineItem } from './timeline.service.js';
import { assertInPortfolio } from '../shared/portfolio.js';

const OUTCOME_LABELS: Record<CallOutcome, string> = {
  reached: 'reached',
  no_answer: 'no answer',
  wrong_contact: 'wrong contact',
  promise: 'promise to pay',
  dispute: 'dispute raised',
  voicemail: 'voicemail left',
};

/** A call logged a little ahead of the server clock is accepted (client clock skew). */
const CLOCK_SKEW_MS = 60_000;

/**
 * "Sales see and act on their own customers only": every write on a customer's timeline
 * passes here; a customer outside the caller's portfolio is not found.
 */
export function assertMayActOn(customer: Customer): void {
  assertInPortfolio(customer);
}

/** Who wrote it: the signed-in user, or the API key's name in `data.recordedBy`. */
function actor(): { authorId: string | null; recordedBy: string | null } {
  const p = RequestContext.principal();
  if (p?.kind === 'user') return { authorId: p.userId, recordedBy: null };
  if (p?.kind === 'apiKey') return { authorId: null, recordedBy: `api-key:${p.name}` };
  return { authorId: null, recordedBy: p?.name ?? null };
}

/** Notes and calls that users (or the ERP / CRM through an API key) log on a customer. */
@Injectable()
export class CustomerActivityService {
  constructor(
    private readonly db: TenantDb,
    private readonly timeline: TimelineService,
  ) {}

  async addNote(customerId: string, dto: CreateNoteDto): Promise<TimelineItem> {
    const { authorId, recordedBy } = actor();
    const id = await this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(customerId);
      assertMayActOn(customer);
      return this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'note',
        title: 'Note',
        body: dto.text,
        source: 'receivables',
        authorId,
        data: recordedBy ? { recordedBy } : null,
      });
    });
    return this.timeline.recorded(id!);
  }

  async logCall(customerId: string, dto: CreateCallDto, now = new Date()): Promise<TimelineItem> {
    const { authorId, recordedBy } = actor();
    const occurredAt = dto.occurredAt ? new Date(dto.occurredAt) : now;
    const id = await this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(customerId);
      assertMayActOn(customer);
      const errors = [];
      if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
        errors.push({ field: 'occurredAt', message: 'occurredAt must not be in the future' });
      const contact = dto.contactId
        ? await tx.repo(CustomerContact).findOneBy({ id: dto.contactId, customerId: customer.id })
        : null;
      if (dto.contactId && !contact) errors.push({ field: 'contactId', message: 'contactId is not a contact of this customer' });
      if (errors.length) throw new ValidationFailed(errors);
      const outcome = OUTCOME_LABELS[dto.outcome];
      return this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'call',
        occurredAt,
        title: contact ? `Call with ${contact.name}: ${outcome}` : `Call: ${outcome}`,
        body: dto.notes?.trim() || null,
        source: 'receivables',
        authorId,
        data: { outcome: dto.outcome, ...(recordedBy ? { recordedBy } : {}) },
        related: contact ? { kind: 'contact', id: contact.id, label: contact.name } : null,
      });
    });
    return this.timeline.recorded(id!);
  }
}
