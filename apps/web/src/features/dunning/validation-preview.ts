import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import { TEMPLATE_CHANNEL_OF_ACTION, type StepAction, type Template, type TemplatePreview } from '../../api/dunning';

export interface StepMessage {
  template: Template;
  preview: TemplatePreview;
}

/**
 * The message a reminder waiting for validation would send, rendered for its customer: the
 * step is looked up in the customer's scenario by name, its template in the customer's
 * language (else the first one of that code), then rendered by the API's preview.
 * Null when the step sends nothing (account block, legal escalation) or cannot be found.
 */
export async function stepMessage(customerId: string, stepName: string, action: string): Promise<StepMessage | null> {
  const channel = TEMPLATE_CHANNEL_OF_ACTION[action as StepAction] ?? null;
  if (!channel) return null;
  const [state, customer] = await Promise.all([
    api.GET('/api/v1/customers/{id}/dunning', { params: { path: { id: customerId } } }).then(unwrap),
    api.GET('/api/v1/customers/{id}', { params: { path: { id: customerId } } }).then(unwrap),
  ]);
  const scenarioIds = [state.resolvedScenario.id, state.levelScenarioId].filter((id): id is string => !!id);
  let code: string | null = null;
  for (const id of [...new Set(scenarioIds)]) {
    const scenario = unwrap(await api.GET('/api/v1/dunning/scenarios/{id}', { params: { path: { id } } }));
    const step =
      scenario.steps.find((s) => s.name === stepName && s.action === action) ?? scenario.steps.find((s) => s.name === stepName);
    if (step?.templateCode) {
      code = step.templateCode;
      break;
    }
  }
  if (!code) return null;
  const templates = unwrap(await api.GET('/api/v1/dunning/templates', { params: { query: { channel } } })).filter(
    (t) => t.code === code,
  );
  const template =
    templates.find((t) => t.language === customer.language) ?? templates.find((t) => t.language === 'fr') ?? templates[0];
  if (!template) return null;
  const preview = unwrap(
    await api.POST('/api/v1/dunning/templates/preview', {
      body: {
        channel: template.channel,
        language: template.language,
        subject: template.subject,
        body: template.body,
        customerId,
      },
    }),
  );
  return { template, preview };
}

/** Opens in a new tab the PDF a letter or formal-notice template renders to (with the customer's invoices, or the sample). */
export async function openPreviewPdf(
  template: Pick<Template, 'channel' | 'language'>,
  body: string,
  customerId?: string,
): Promise<void> {
  const { data, response } = await api.POST('/api/v1/dunning/templates/preview', {
    params: { query: { format: 'pdf' } },
    body: { channel: template.channel, language: template.language, subject: null, body, ...(customerId ? { customerId } : {}) },
    parseAs: 'blob',
  });
  if (!response.ok || !(data instanceof Blob)) throw new ApiError(response.status, null);
  const url = URL.createObjectURL(data);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
