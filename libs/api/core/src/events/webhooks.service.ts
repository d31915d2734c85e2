import { Injectable } from '@nestjs/common';
import { ILike } from 'typeorm';
import { RequestContext } from '../context/request-context.js';
import { TenantDb } from '../database/tenant-db.js';
import { ConflictError, ValidationFailed, type FieldError } from '../errors/app-error.js';
import { containsPattern, orderFrom, toPage, type Page, type PageQuery } from '../http/pagination.js';
import { DomainEvents } from './domain-events.service.js';
import { ALL_EVENTS, EVENT_TYPES, isKnownEventType } from './event-types.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { WebhookSubscription } from './webhook-subscription.entity.js';
import type {
  CreatedWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  EventTypeListDto,
  UpdateWebhookSubscriptionDto,
  WebhookDeliveryDto,
  WebhookDeliveryQuery,
  WebhookSubscriptionDto,
} from './webhooks.dto.js';

export function toSubscriptionDto(s: WebhookSubscription): WebhookSubscriptionDto {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    eventTypes: s.eventTypes,
    active: s.active,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toDeliveryDto(d: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventType: d.eventType,
    eventId: d.eventId,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** Event types must come from the catalogue (the catalogue grows at run time, hence not a DTO enum). */
function checkEventTypes(types: string[]): void {
  const errors: FieldError[] = [];
  types.forEach((t, i) => {
    if (t !== ALL_EVENTS && !isKnownEventType(t)) {
      errors.push({
        field: `eventTypes[${i}]`,
        code: 'unknownEventType',
        message: `"${t}" is not a known event type (see GET /api/v1/webhooks/event-types)`,
      });
    }
  });
  if (errors.length) throw new ValidationFailed(errors);
}

/** Webhook subscriptions and their delivery log, always within the caller's tenant. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: TenantDb,
    private readonly events: DomainEvents,
  ) {}

  eventTypes(): EventTypeListDto {
    return { eventTypes: Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description })) };
  }

  async list(q: PageQuery): Promise<Page<WebhookSubscriptionDto>> {
    const where = q.q ? [{ url: ILike(containsPattern(q.q)) }, { description: ILike(containsPattern(q.q)) }] : undefined;
    const [rows, total] = await this.db.repo(WebhookSubscription).findAndCount({
      where,
      order: orderFrom(q.sort, ['createdAt', 'updatedAt', 'url'], { createdAt: 'DESC' }),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(rows.map(toSubscriptionDto), total, q);
  }

  async get(id: string): Promise<WebhookSubscriptionDto> {
    return toSubscriptionDto(await this.db.repo(WebhookSubscription).get(id));
  }

  async create(dto: CreateWebhookSubscriptionDto): Promise<CreatedWebhookSubscriptionDto> {
    checkEventTypes(dto.eventTypes);
    const p = RequestContext.principal();
    const secret = generateWebhookSecret();
    const repo = this.db.repo(WebhookSubscription);
    const saved = await repo.save(
      repo.create({
        url: dto.url,
        description: dto.description ?? null,
        eventTypes: dto.eventTypes,
        active: dto.active ?? true,
        secret,
        createdBy: p?.kind === 'user' ? p.userId : null,
      }),
    );
    return { subscription: toSubscriptionDto(saved), secret };
  }

  async update(id: string, dto: UpdateWebhookSubscriptionDto): Promise<WebhookSubscriptionDto> {
    if (dto.eventTypes) checkEventTypes(dto.eventTypes);
    const repo = this.db.repo(WebhookSubscription);
    const sub = await repo.get(id);
    if (dto.url !== undefined) sub.url = dto.url;
    if (dto.description !== undefined) sub.description = dto.description;
    if (dto.eventTypes !== undefined) sub.eventTypes = dto.eventTypes;
    if (dto.active !== undefined) sub.active = dto.active;
    return toSubscriptionDto(await repo.save(sub));
  }

  async remove(id: string): Promise<void> {
    const repo = this.db.repo(WebhookSubscription);
    await repo.remove(await repo.get(id));
  }

  /** A new secret replaces the old one at once; deliveries sent from now on are signed with it. */
  async rotateSecret(id: string): Promise<CreatedWebhookSubscriptionDto> {
    const repo = this.db.repo(WebhookSubscription);
    const sub = await repo.get(id);
    const secret = generateWebhookSecret();
    sub.secret = secret;
    const saved = await repo.save(sub);
    return { subscription: toSubscriptionDto(saved), secret };
  }

  async ping(id: string): Promise<WebhookDeliveryDto> {
    return this.db.transaction(async (tx) => {
      const sub = await tx.repo(WebhookSubscription).get(id);
      if (!sub.active)
        throw new ConflictError('webhook-inactive', 'This subscription is inactive: activate it before pinging it');
      const deliveryId = await this.events.ping(tx.manager, tx.tenantId, sub.id);
      return toDeliveryDto(await tx.repo(WebhookDelivery).get(deliveryId));
    });
  }

  async deliveries(id: string, q: WebhookDeliveryQuery): Promise<Page<WebhookDeliveryDto>> {
    await this.db.repo(WebhookSubscription).get(id);
    const qb = this.db
      .repo(WebhookDelivery)
      .qb('d')
      .andWhere('d.subscription_id = :id', { id })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC');
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    const [rows, total] = await qb
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return toPage(rows.map(toDeliveryDto), total, q);
  }

  /** Sends a delivery again at the next dispatch: a failed one gets one more attempt, a pending one goes now. */
  async retry(deliveryId: string): Promise<WebhookDeliveryDto> {
    const repo = this.db.repo(WebhookDelivery);
    const d = await repo.get(deliveryId);
    if (d.status === 'succeeded') throw new ConflictError('webhook-delivery-succeeded', 'This delivery already succeeded');
    d.status = 'pending';
    d.nextAttemptAt = new Date();
    d.lockedUntil = null;
    return toDeliveryDto(await repo.save(d));
  }
}
