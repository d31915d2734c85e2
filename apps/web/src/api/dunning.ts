/**
 * Dunning (relances): names for the generated types, the enumerations the screens offer, and
 * who may do what (the API enforces the same rules).
 */
import type { components } from './types';
import type { Role } from './types';

type S = components['schemas'];

export type WorklistItem = S['WorklistItemDto'];
export type TaskKind = WorklistItem['kind'];
export type CompleteTaskInput = S['CompleteTaskDto'];
export type TaskOutcome = NonNullable<CompleteTaskInput['outcome']>;
export type ApprovalResult = S['ApprovalResultDto'];

export type DunningRun = S['RunDto'];
export type RunOutcome = S['RunOutcomeDto'];
export type RunPreview = S['PreviewDto'];
export type RunPreviewItem = S['PreviewItemDto'];
export type DunningAction = S['ActionDto'];

export type Scenario = S['ScenarioDto'];
export type ScenarioStep = S['StepDto'];
export type ScenarioInput = S['ScenarioInputDto'];
export type StepInput = S['StepInputDto'];
export type ScenarioMatch = S['ScenarioMatchDto'];
export type StepAction = StepInput['action'];
export type StepActor = StepInput['actor'];
export type RiskGrade = NonNullable<ScenarioMatch['riskGrades']>[number];

export type Template = S['TemplateDto'];
export type TemplateChannel = Template['channel'];
export type TemplateLanguage = Template['language'];
export type TemplatePreview = S['TemplatePreviewDto'];
export type TemplatePreviewInput = S['PreviewTemplateDto'];
export type TemplateProblem = S['TemplateProblemDto'];
export type CreateTemplateInput = S['CreateTemplateDto'];
/** Descriptions and examples come in both UI languages. */
export type Bilingual = { fr: string; en: string };
export type MergeField = S['MergeFieldDto'];
export type MergeCondition = S['MergeConditionDto'];
export type MergeFields = { fields: MergeField[]; conditions: MergeCondition[]; syntax: string };

export type DunningSettings = S['DunningSettingsDto'];
export type DunningSettingsInput = S['UpdateDunningSettingsDto'];

export type CustomerDunning = S['CustomerDunningDto'];
export type CustomerDunningInput = S['UpdateCustomerDunningDto'];
export type CustomerPenalties = S['CustomerPenaltiesDto'];
export type PenaltyLine = S['PenaltyLineDto'];
export type DunningDocument = S['DocumentDto'];
export type DocumentKind = DunningDocument['kind'];

export type PromiseToPay = S['PromiseDto'];
export type PromiseInput = S['CreatePromiseDto'];
export type PromiseChannel = PromiseInput['channel'];
export type PromiseStatus = PromiseToPay['status'];
export type PaymentPlan = S['PaymentPlanDto'];
export type PaymentPlanInput = S['CreatePaymentPlanDto'];
export type PlanStatus = PaymentPlan['status'];
export type Instalment = S['InstalmentDto'];

export const TASK_KINDS: readonly TaskKind[] = [
  'call',
  'validation',
  'letter',
  'formal_notice',
  'legal_escalation',
  'account_block',
  'promise_broken',
  'plan_breached',
  'send_failed',
];
export const TASK_OUTCOMES: readonly TaskOutcome[] = ['reached', 'promise', 'dispute', 'no_answer', 'wrong_contact', 'voicemail'];
export const STEP_ACTIONS: readonly StepAction[] = [
  'email',
  'sms',
  'letter',
  'call',
  'formal_notice',
  'legal_escalation',
  'account_block',
];
export const STEP_ACTORS: readonly StepActor[] = ['collector', 'salesperson'];
export const RISK_GRADES: readonly RiskGrade[] = ['A', 'B', 'C', 'D', 'E'];
export const TEMPLATE_CHANNELS: readonly TemplateChannel[] = ['email', 'sms', 'letter', 'formal_notice', 'call'];
export const TEMPLATE_LANGUAGES: readonly TemplateLanguage[] = ['fr', 'en'];
export const PROMISE_CHANNELS: readonly PromiseChannel[] = ['phone', 'email', 'letter', 'meeting', 'portal', 'other'];

/** The template channel a step's action uses; null: the step sends nothing. */
export const TEMPLATE_CHANNEL_OF_ACTION: Record<StepAction, TemplateChannel | null> = {
  email: 'email',
  sms: 'sms',
  letter: 'letter',
  formal_notice: 'formal_notice',
  call: 'call',
  legal_escalation: null,
  account_block: null,
};
/** Actions that send a message: their step needs a template. */
export const ACTIONS_NEEDING_TEMPLATE: readonly StepAction[] = ['email', 'sms', 'letter', 'formal_notice'];

/** The dunning screens (runs, scenarios, templates). */
export const DUNNING_ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector'];
/** The worklist: sales work the tasks of their own customers. */
export const WORKLIST_ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
/** Change scenarios, templates and start a run. */
export const DUNNING_WRITERS: readonly Role[] = ['admin', 'credit_manager'];
/** Approve or reject a validation, reassign a task, retry a send. */
export const TASK_SUPERVISORS: readonly Role[] = ['admin', 'credit_manager', 'collector'];
/** Read a customer's dunning state and penalties. */
export const CUSTOMER_DUNNING_READERS: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
/** Hold, exclude, assign a scenario or collector; flag an invoice disputed. */
export const FINANCE_WRITERS: readonly Role[] = ['admin', 'credit_manager', 'collector'];
/** Record or cancel promises and payment plans. */
export const COMMITMENT_WRITERS: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
