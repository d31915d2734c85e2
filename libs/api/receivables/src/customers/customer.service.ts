import { Injectable } from '@nestjs/common';
import {
  containsPattern,
  BusinessUnit,
  ConflictError,
  DomainEvents,
  LegalEntity,
  TenantDb,
  toPage,
  User,
  type Page,
  type TenantTx,
} from '@encours/api-core';
import { CustomerContact, Customer } from './customer.entity.js';
import type { CreateCustomerDto, CustomerDto, CustomerQuery, UpdateCustomerDto } from './customer.dto.js';
import { CSV_EXPORT_LIMIT } from '../shared/list.js';
import { assertInPortfolio, restrictToPortfolio } from '../shared/portfolio.js';

export function toCustomerDto(c: Customer): CustomerDto {
  return {
    id: c.id,
    externalRef: c.externalRef,
    name: c.name,
    siren: c.siren,
    siret: c.siret,
    vatNumber: c.vatNumber,
    country: c.country,
    billingAddress: c.billingAddress,
    shippingAddress: c.shippingAddress,
    language: c.language,
    legalEntityId: c.legalEntityId,
    businessUnitId: c.businessUnitId,
    salespersonId: c.salespersonId,
    paymentTermsDays: c.paymentTermsDays,
    currency: c.currency,
    segment: c.segment,
    tags: c.tags,
    blocked: c.blocked,
    contacts: c.contacts?.map((k) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      email: k.email,
      phone: k.phone,
      primary: k.primary,
    })),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const SORTABLE: Record<string, string> = {
  name: 'c.name',
  externalRef: 'c.external_ref',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
};

@Injectable()
export class CustomerService {
  constructor(
    private readonly db: TenantDb,
    private readonly events: DomainEvents,
  ) {}

  async list(q: CustomerQuery, all = false): Promise<Page<CustomerDto>> {
    const qb = restrictToPortfolio(this.db.repo(Customer).qb('c'), 'c');
    if (q.q)
      qb.andWhere('(c.name ILIKE :q OR c.external_ref ILIKE :q OR c.siren = :exact)', {
        q: containsPattern(q.q),
        exact: q.q,
      });
    if (q.blocked !== undefined) qb.andWhere('c.blocked = :blocked', { blocked: q.blocked });
    if (q.segment) qb.andWhere('c.segment = :segment', { segment: q.segment });
    const desc = q.sort?.startsWith('-');
    const sort = SORTABLE[q.sort?.replace(/^-/, '') ?? ''] ?? 'c.name';
    qb.orderBy(sort, desc ? 'DESC' : 'ASC').addOrderBy('c.id', 'ASC');
    qb.skip(all ? 0 : (q.page - 1) * q.pageSize).take(all ? CSV_EXPORT_LIMIT : q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(rows.map(toCustomerDto), total, q);
  }

  async get(id: string): Promise<CustomerDto> {
    const c = await this.db.repo(Customer).get(id);
    assertInPortfolio(c);
    c.contacts = await this.db
      .repo(CustomerContact)
      .find({ where: { customerId: c.id }, order: { primary: 'DESC', name: 'ASC' } });
    return toCustomerDto(c);
  }

  async create(dto: CreateCustomerDto): Promise<CustomerDto> {
    const id = await this.db.transaction(async (tx) => {
      const repo = tx.repo(Customer);
      if (await repo.findOneBy({ externalRef: dto.externalRef })) throw duplicateRef();
      await this.checkLinks(tx, dto);
      const { contacts, ...fields } = dto;
      const saved = await repo.save(repo.create({ ...fields, siren: dto.siren ?? dto.siret?.slice(0, 9) ?? null }));
      if (contacts) await this.replaceContacts(tx, saved.id, contacts);
      await this.events.publish(
        tx.manager,
        tx.tenantId,
        'customer.created',
        {
          customerId: saved.id,
          externalRef: saved.externalRef,
          name: saved.name,
          siren: saved.siren,
          country: saved.country,
          currency: saved.currency,
          segment: saved.segment ?? null,
        },
        { dedupeKey: saved.id },
      );
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateCustomerDto): Promise<CustomerDto> {
    await this.db.transaction(async (tx) => {
      const repo = tx.repo(Customer);
      const c = await repo.get(id);
      if (dto.externalRef && dto.externalRef !== c.externalRef && (await repo.findOneBy({ externalRef: dto.externalRef })))
        throw duplicateRef();
      await this.checkLinks(tx, dto);
      const { contacts, ...fields } = dto;
      Object.assign(c, fields);
      await repo.save(c);
      if (contacts) await this.replaceContacts(tx, c.id, contacts);
    });
    return this.get(id);
  }

  /** Linked rows must belong to the same tenant (404 otherwise, as for any foreign row). */
  private async checkLinks(tx: TenantTx, dto: UpdateCustomerDto): Promise<void> {
    if (dto.legalEntityId) await tx.repo(LegalEntity).get(dto.legalEntityId);
    if (dto.businessUnitId) await tx.repo(BusinessUnit).get(dto.businessUnitId);
    if (dto.salespersonId) await tx.repo(User).get(dto.salespersonId);
  }

  private async replaceContacts(
    tx: TenantTx,
    customerId: string,
    contacts: NonNullable<CreateCustomerDto['contacts']>,
  ): Promise<void> {
    const repo = tx.repo(CustomerContact);
    for (const old of await repo.find({ where: { customerId } })) await repo.remove(old);
    await repo.save(
      contacts.map((k) =>
        repo.create({
          customerId,
          name: k.name,
          role: k.role ?? 'billing',
          email: k.email ?? null,
          phone: k.phone ?? null,
          primary: k.primary ?? false,
        }),
      ),
    );
  }
}

function duplicateRef() {
  return new ConflictError('duplicate-external-ref', 'Another customer already has this externalRef', [
    { field: 'externalRef', message: 'externalRef is already used' },
  ]);
}
