import { Injectable } from '@nestjs/common';
import { ConflictError, TenantDb, ValidationFailed, type FieldError } from '@encours/api-core';
import { assertInPortfolio, Customer } from '@encours/receivables';
import { TenantToday } from '@encours/api-core';
import { renderLetterPdf } from '../documents/pdf.js';
import { MergeContextBuilder } from '../merge/merge-context.builder.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { DEFAULT_TEMPLATES } from '../templates/defaults.js';
import type { MergeContext } from '../templates/merge-context.js';
import {
  MERGE_CONDITIONS,
  MERGE_FIELDS,
  renderTemplate,
  TemplateRenderError,
  validateTemplate,
  type Template,
} from '../templates/render.js';
import { sampleMergeContext } from '../templates/sample-context.js';
import type { FindOptionsWhere } from 'typeorm';
import { DunningTemplate, type TemplateChannelKind } from './scenario.entities.js';
import type {
  CreateTemplateDto,
  MergeFieldsDto,
  PreviewTemplateDto,
  TemplateDto,
  TemplatePreviewDto,
  TemplateQuery,
  TemplateUsageDto,
  UpdateTemplateDto,
} from './template.dto.js';

export type PreviewResult = { format: 'json'; body: TemplatePreviewDto } | { format: 'pdf'; pdf: Buffer; filename: string };

const SYNTAX =
  '{{ field }}, **bold**, {{#if condition}} … {{else}} … {{/if}} (no nesting); paragraphs are separated by a blank line';

/**
 * The tenant's message templates (per code, language and channel): listing, editing with
 * validation (syntax, unknown merge fields, channel rules), reset of the shipped ones, and a
 * preview rendered with a real customer's statement or a sample one.
 */
@Injectable()
export class TemplateService {
  constructor(
    private readonly db: TenantDb,
    private readonly setup: DunningSetupService,
    private readonly contexts: MergeContextBuilder,
    private readonly clock: TenantToday,
  ) {}

  private async ready(): Promise<void> {
    await this.setup.ensureSeeded(this.db.dataSource.manager, this.db.tenantId);
  }

  async list(q: TemplateQuery): Promise<TemplateDto[]> {
    await this.ready();
    const where: FindOptionsWhere<DunningTemplate> = {};
    if (q.channel) where.channel = q.channel;
    if (q.language) where.language = q.language;
    const rows = await this.db.repo(DunningTemplate).find({ where, order: { code: 'ASC', language: 'ASC' } });
    return this.toDtos(rows);
  }

  async get(id: string): Promise<TemplateDto> {
    await this.ready();
    return (await this.toDtos([await this.db.repo(DunningTemplate).get(id)]))[0];
  }

  async create(dto: CreateTemplateDto): Promise<TemplateDto> {
    await this.ready();
    const id = await this.db.transaction(async (tx) => {
      const repo = tx.repo(DunningTemplate);
      const variants = await repo.find({ where: { code: dto.code } });
      if (variants.some((v) => v.language === dto.language))
        throw new ConflictError('template-exists', `Template "${dto.code}" already exists in ${dto.language}`, [
          { field: 'code', message: `Template "${dto.code}" already exists in ${dto.language}` },
        ]);
      const other = variants.find((v) => v.channel !== dto.channel);
      if (other)
        throw new ValidationFailed([
          {
            field: 'channel',
            message: `Template "${dto.code}" is a ${other.channel} template in ${other.language}: use the same channel`,
          },
        ]);
      const subject = checked(dto.channel, dto.language, dto.subject, dto.body);
      const saved = await repo.save(
        repo.create({
          code: dto.code,
          language: dto.language,
          channel: dto.channel as TemplateChannelKind,
          name: dto.name.trim(),
          subject,
          body: dto.body,
          shipped: false,
        }),
      );
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateTemplateDto): Promise<TemplateDto> {
    await this.ready();
    await this.db.transaction(async (tx) => {
      const repo = tx.repo(DunningTemplate);
      const t = await repo.get(id);
      const subject = checked(t.channel, t.language, dto.subject, dto.body);
      await repo.save(Object.assign(t, { name: dto.name.trim(), subject, body: dto.body }));
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.ready();
    await this.db.transaction(async (tx) => {
      const t = await tx.repo(DunningTemplate).get(id);
      const usage = await this.usage([t.code]);
      if (usage.length) {
        const names = [...new Set(usage.map((u) => `"${u.scenarioName}"`))].join(', ');
        throw new ConflictError(
          'template-in-use',
          `Template "${t.code}" is used by the scenario(s) ${names}: change those steps first`,
        );
      }
      await tx.repo(DunningTemplate).remove(t);
    });
  }

  /** A shipped template back to the text shipped with Encours. */
  async reset(id: string): Promise<TemplateDto> {
    await this.ready();
    await this.db.transaction(async (tx) => {
      const repo = tx.repo(DunningTemplate);
      const t = await repo.get(id);
      const shipped = t.shipped ? DEFAULT_TEMPLATES.find((d) => d.code === t.code && d.language === t.language) : undefined;
      if (!shipped)
        throw new ConflictError(
          'template-not-shipped',
          `Template "${t.code}" (${t.language}) was not shipped with Encours: nothing to reset to`,
        );
      await repo.save(Object.assign(t, { name: shipped.name, subject: shipped.subject, body: shipped.body }));
    });
    return this.get(id);
  }

  mergeFields(): MergeFieldsDto {
    return {
      fields: MERGE_FIELDS.map((f) => ({ ...f })),
      conditions: MERGE_CONDITIONS.map((c) => ({ ...c })),
      syntax: SYNTAX,
    };
  }

  async preview(dto: PreviewTemplateDto, format: 'json' | 'pdf' = 'json'): Promise<PreviewResult> {
    if (format === 'pdf' && dto.channel !== 'letter' && dto.channel !== 'formal_notice')
      throw new ValidationFailed([
        { field: 'format', message: 'A PDF preview exists for letter and formal_notice templates only' },
      ]);
    const template: Template = {
      channel: dto.channel,
      language: dto.language,
      subject: dto.channel === 'email' ? (dto.subject ?? null) : null,
      body: dto.body,
    };
    const problems = validateTemplate({ ...template, subject: dto.subject ?? null });
    const { ctx, source } = await this.previewContext(dto);
    let rendered: ReturnType<typeof renderTemplate>;
    try {
      rendered = renderTemplate(template, ctx);
    } catch (err) {
      if (err instanceof TemplateRenderError)
        throw new ValidationFailed(err.problems.map((p) => ({ field: p.field, message: p.message, code: p.code })));
      throw err;
    }
    if (format === 'pdf') {
      const kind = dto.channel as 'letter' | 'formal_notice';
      const pdf = await renderLetterPdf({ kind, rendered, ctx });
      return {
        format: 'pdf',
        pdf,
        filename: `preview-${kind}-${ctx.customer.externalRef.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf`,
      };
    }
    return {
      format: 'json',
      body: {
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        problems: problems.map((p) => ({ field: p.field, code: p.code, message: p.message })),
        context: source,
      },
    };
  }

  private async previewContext(dto: PreviewTemplateDto): Promise<{ ctx: MergeContext; source: 'customer' | 'sample' }> {
    const tenantId = this.db.tenantId;
    const manager = this.db.dataSource.manager;
    const channel = dto.channel;
    const step = { name: dto.language === 'fr' ? 'Aperçu' : 'Preview', position: 1, offsetDays: 0 };
    if (dto.customerId) {
      const customer = await this.db.repo(Customer).get(dto.customerId);
      assertInPortfolio(customer);
      const today = await this.clock.forTenant(manager, tenantId);
      const invoices: Array<{ id: string; overdue: boolean }> = await manager.query(
        `SELECT id, due_date < $3::date AS overdue FROM receivable_item
          WHERE tenant_id = $1 AND customer_id = $2 AND kind = 'invoice' AND status IN ('open', 'partially_paid')
            AND open_amount > 0 AND NOT disputed
          ORDER BY due_date, number`,
        [tenantId, customer.id, today],
      );
      const overdue = invoices.filter((i) => i.overdue);
      const ids = (overdue.length ? overdue : invoices).map((i) => i.id);
      const built = await this.contexts.build(manager, tenantId, [
        { customerId: customer.id, invoiceIds: ids, step, today, channel, language: dto.language },
      ]);
      const ctx = built.get(customer.id);
      if (!ctx)
        throw new ValidationFailed([
          { field: 'customerId', message: 'This customer has no open invoice to preview the template with' },
        ]);
      return { ctx, source: 'customer' };
    }
    const settings = await this.setup.ensure(manager, tenantId);
    const sample = sampleMergeContext(dto.language);
    const or = <T>(value: T | null | undefined, fallback: T): T =>
      value === null ||
      value === undefined ||
      (typeof value === 'string' && !value.trim()) ||
      (Array.isArray(value) && !value.length)
        ? fallback
        : value;
    const ctx: MergeContext = {
      ...sample,
      company: {
        name: or(settings.companyName, sample.company.name),
        addressLines: or(settings.companyAddressLines, sample.company.addressLines),
        siren: or(settings.companySiren, sample.company.siren ?? null),
        vatNumber: or(settings.companyVatNumber, sample.company.vatNumber ?? null),
        email: or(settings.companyEmail, sample.company.email ?? null),
        phone: or(settings.companyPhone, sample.company.phone ?? null),
        signature: or(settings.signature, sample.company.signature),
        paymentDetails: or(settings.paymentDetails, sample.company.paymentDetails),
      },
      deadline: channel === 'formal_notice' ? sample.deadline : null,
      step: channel === 'formal_notice' ? sample.step : step,
    };
    return { ctx, source: 'sample' };
  }

  private async usage(codes: string[]): Promise<Array<TemplateUsageDto & { code: string }>> {
    if (!codes.length) return [];
    return this.db.dataSource.query(
      `SELECT st.template_code AS code, sc.id AS "scenarioId", sc.name AS "scenarioName", st.position, st.name AS "stepName"
         FROM dunning_step st JOIN dunning_scenario sc ON sc.id = st.scenario_id AND sc.tenant_id = st.tenant_id
        WHERE st.tenant_id = $1 AND st.template_code = ANY ($2::text[])
        ORDER BY sc.name, st.position`,
      [this.db.tenantId, codes],
    );
  }

  private async toDtos(rows: DunningTemplate[]): Promise<TemplateDto[]> {
    const usage = await this.usage([...new Set(rows.map((r) => r.code))]);
    return rows.map((t) => {
      const shipped = t.shipped ? DEFAULT_TEMPLATES.find((d) => d.code === t.code && d.language === t.language) : undefined;
      return {
        id: t.id,
        code: t.code,
        language: t.language,
        channel: t.channel,
        name: t.name,
        subject: t.subject,
        body: t.body,
        shipped: t.shipped,
        modified:
          !!shipped && (shipped.body !== t.body || (shipped.subject ?? null) !== (t.subject ?? null) || shipped.name !== t.name),
        usedBy: usage.filter((u) => u.code === t.code).map(({ code: _code, ...u }) => u),
        updatedAt: t.updatedAt.toISOString(),
      };
    });
  }
}

/** Validates a template's text for its channel (400 naming `subject` or `body`); returns the subject to store. */
function checked(channel: string, language: 'fr' | 'en', subject: string | null | undefined, body: string): string | null {
  const problems = validateTemplate({ channel: channel as Template['channel'], language, subject: subject ?? null, body });
  if (problems.length) {
    const errors: FieldError[] = problems.map((p) => ({ field: p.field, message: p.message, code: p.code }));
    throw new ValidationFailed(errors, 'The template is not valid');
  }
  return channel === 'email' ? (subject ?? null) : null;
}
