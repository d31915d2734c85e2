import { Injectable } from '@nestjs/common';
import {
  DataSource,
  EntityManager,
  type EntityTarget,
  type FindManyOptions,
  type FindOneOptions,
  type FindOptionsWhere,
  type ObjectLiteral,
  type SelectQueryBuilder,
  type DeepPartial,
} from 'typeorm';
import { RequestContext } from '../context/request-context.js';
import { NotFoundError } from '../errors/app-error.js';

type Tenanted = ObjectLiteral & { id: string; tenantId: string };

function scopeWhere<T extends Tenanted>(
  where: FindOptionsWhere<T> | FindOptionsWhere<T>[] | undefined,
  tenantId: string,
): FindOptionsWhere<T> | FindOptionsWhere<T>[] {
  if (Array.isArray(where)) return where.map((w) => ({ ...w, tenantId }) as FindOptionsWhere<T>);
  return { ...(where ?? {}), tenantId } as FindOptionsWhere<T>;
}

/**
 * A repository bound to the current tenant. Every read adds `tenant_id = :tenant`, every
 * write stamps it, and a row of another tenant is simply not found (404).
 */
export class ScopedRepository<T extends Tenanted> {
  constructor(
    private readonly manager: EntityManager,
    private readonly target: EntityTarget<T>,
    readonly tenantId: string,
  ) {}

  private get repo() {
    return this.manager.getRepository(this.target);
  }

  get entityName(): string {
    return this.repo.metadata.name;
  }

  find(options: FindManyOptions<T> = {}): Promise<T[]> {
    return this.repo.find({ ...options, where: scopeWhere(options.where as FindOptionsWhere<T>, this.tenantId) });
  }

  findAndCount(options: FindManyOptions<T> = {}): Promise<[T[], number]> {
    return this.repo.findAndCount({
      ...options,
      where: scopeWhere(options.where as FindOptionsWhere<T>, this.tenantId),
    });
  }

  count(options: FindManyOptions<T> = {}): Promise<number> {
    return this.repo.count({ ...options, where: scopeWhere(options.where as FindOptionsWhere<T>, this.tenantId) });
  }

  findOne(options: FindOneOptions<T>): Promise<T | null> {
    return this.repo.findOne({ ...options, where: scopeWhere(options.where as FindOptionsWhere<T>, this.tenantId) });
  }

  findOneBy(where: FindOptionsWhere<T>): Promise<T | null> {
    return this.repo.findOne({ where: scopeWhere(where, this.tenantId) });
  }

  /** The row with this id in the current tenant, or a 404 problem. */
  async get(id: string, options: Omit<FindOneOptions<T>, 'where'> = {}): Promise<T> {
    if (!isUuid(id)) throw new NotFoundError(this.entityName, id);
    const found = await this.repo.findOne({ ...options, where: scopeWhere({ id } as FindOptionsWhere<T>, this.tenantId) });
    if (!found) throw new NotFoundError(this.entityName, id);
    return found;
  }

  create(values: DeepPartial<T>): T {
    return this.repo.create({ ...values, tenantId: this.tenantId } as DeepPartial<T>);
  }

  async save<E extends T | T[]>(entity: E): Promise<E> {
    const list = (Array.isArray(entity) ? entity : [entity]) as T[];
    for (const e of list) {
      if (e.tenantId && e.tenantId !== this.tenantId) throw new Error('Refusing to write a row of another tenant');
      (e as { tenantId: string }).tenantId = this.tenantId;
    }
    return this.repo.save(entity as never) as Promise<E>;
  }

  async remove(entity: T): Promise<void> {
    if (entity.tenantId !== this.tenantId) throw new NotFoundError(this.entityName, entity.id);
    await this.repo.remove(entity);
  }

  /** A query builder already restricted to the tenant: add more `andWhere` clauses. */
  qb(alias: string): SelectQueryBuilder<T> {
    return this.repo.createQueryBuilder(alias).where(`${alias}.tenant_id = :__tenantId`, { __tenantId: this.tenantId });
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** The one place where queries get their tenant: services ask it for scoped repositories. */
@Injectable()
export class TenantDb {
  constructor(readonly dataSource: DataSource) {}

  get tenantId(): string {
    return RequestContext.tenantId();
  }

  repo<T extends Tenanted>(target: EntityTarget<T>, manager: EntityManager = this.dataSource.manager): ScopedRepository<T> {
    return new ScopedRepository(manager, target, this.tenantId);
  }

  /** Runs `fn` in one database transaction; scoped repositories built from `tx` share it. */
  transaction<R>(fn: (tx: TenantTx) => Promise<R>): Promise<R> {
    const tenantId = this.tenantId;
    return this.dataSource.transaction((manager) => fn(new TenantTx(manager, tenantId)));
  }
}

export class TenantTx {
  constructor(
    readonly manager: EntityManager,
    readonly tenantId: string,
  ) {}
  repo<T extends Tenanted>(target: EntityTarget<T>): ScopedRepository<T> {
    return new ScopedRepository(this.manager, target, this.tenantId);
  }
}
