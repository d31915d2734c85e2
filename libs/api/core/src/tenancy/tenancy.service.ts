import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantDb } from '../database/tenant-db.js';
import { ConflictError, NotFoundError } from '../errors/app-error.js';
import { RequestContext } from '../context/request-context.js';
import { BusinessUnit } from './business-unit.entity.js';
import { LegalEntity } from './legal-entity.entity.js';
import type {
  BusinessUnitDto,
  CreateBusinessUnitDto,
  CreateLegalEntityDto,
  LegalEntityDto,
  TenantDto,
  UpdateBusinessUnitDto,
  UpdateLegalEntityDto,
  UpdateTenantDto,
} from './tenancy.dto.js';
import { Tenant } from './tenant.entity.js';

const toTenantDto = (t: Tenant): TenantDto => ({
  id: t.id,
  name: t.name,
  defaultLocale: t.defaultLocale,
  defaultCurrency: t.defaultCurrency,
  timezone: t.timezone,
});

const toLegalEntityDto = (e: LegalEntity): LegalEntityDto => ({
  id: e.id,
  code: e.code,
  name: e.name,
  siren: e.siren,
  siret: e.siret,
  vatNumber: e.vatNumber,
  country: e.country,
  currency: e.currency,
  address: e.address,
  active: e.active,
});

const toBusinessUnitDto = (b: BusinessUnit): BusinessUnitDto => ({ id: b.id, code: b.code, name: b.name, active: b.active });

/** The tenant's own settings, legal entities and business units. */
@Injectable()
export class TenancyService {
  constructor(
    private readonly db: TenantDb,
    private readonly dataSource: DataSource,
  ) {}

  private async tenant(): Promise<Tenant> {
    const t = await this.dataSource.getRepository(Tenant).findOne({ where: { id: RequestContext.tenantId() } });
    if (!t) throw new NotFoundError('Tenant');
    return t;
  }

  async getTenant(): Promise<TenantDto> {
    return toTenantDto(await this.tenant());
  }

  async updateTenant(dto: UpdateTenantDto): Promise<TenantDto> {
    const t = await this.tenant();
    Object.assign(t, dto);
    await this.dataSource.getRepository(Tenant).save(t);
    return toTenantDto(t);
  }

  async listLegalEntities(): Promise<LegalEntityDto[]> {
    return (await this.db.repo(LegalEntity).find({ order: { code: 'ASC' } })).map(toLegalEntityDto);
  }

  async getLegalEntity(id: string): Promise<LegalEntityDto> {
    return toLegalEntityDto(await this.db.repo(LegalEntity).get(id));
  }

  async createLegalEntity(dto: CreateLegalEntityDto): Promise<LegalEntityDto> {
    const repo = this.db.repo(LegalEntity);
    if (await repo.findOneBy({ code: dto.code })) throw duplicateCode('legal entity');
    const saved = await repo.save(repo.create({ ...dto, siren: dto.siren ?? dto.siret?.slice(0, 9) ?? null }));
    return toLegalEntityDto(saved);
  }

  async updateLegalEntity(id: string, dto: UpdateLegalEntityDto): Promise<LegalEntityDto> {
    const repo = this.db.repo(LegalEntity);
    const e = await repo.get(id);
    if (dto.code && dto.code !== e.code && (await repo.findOneBy({ code: dto.code }))) throw duplicateCode('legal entity');
    Object.assign(e, dto);
    return toLegalEntityDto(await repo.save(e));
  }

  async listBusinessUnits(): Promise<BusinessUnitDto[]> {
    return (await this.db.repo(BusinessUnit).find({ order: { code: 'ASC' } })).map(toBusinessUnitDto);
  }

  async createBusinessUnit(dto: CreateBusinessUnitDto): Promise<BusinessUnitDto> {
    const repo = this.db.repo(BusinessUnit);
    if (await repo.findOneBy({ code: dto.code })) throw duplicateCode('business unit');
    return toBusinessUnitDto(await repo.save(repo.create(dto)));
  }

  async updateBusinessUnit(id: string, dto: UpdateBusinessUnitDto): Promise<BusinessUnitDto> {
    const repo = this.db.repo(BusinessUnit);
    const b = await repo.get(id);
    if (dto.code && dto.code !== b.code && (await repo.findOneBy({ code: dto.code }))) throw duplicateCode('business unit');
    Object.assign(b, dto);
    return toBusinessUnitDto(await repo.save(b));
  }
}

function duplicateCode(what: string) {
  return new ConflictError('duplicate-code', `Another ${what} already has this code`, [
    { field: 'code', message: 'code is already used' },
  ]);
}
