import { DunningDocument } from './archive/dunning-document.entity.js';
import { PaymentPlan, PaymentPlanInstalment } from './plans/payment-plan.entities.js';
import { PromiseToPay } from './promises/promise.entity.js';
import { ReferenceRate } from './penalties/reference-rate.entity.js';
import { DunningAction, DunningRun } from './run/run.entities.js';
import { DunningScenario, DunningStep, DunningTemplate } from './scenarios/scenario.entities.js';
import { DunningSettings } from './settings/dunning-settings.entity.js';
import { CustomerDunning } from './state/customer-dunning.entity.js';
import { DunningTask } from './worklist/dunning-task.entity.js';

export const DUNNING_ENTITIES = [
  DunningSettings,
  DunningScenario,
  DunningStep,
  DunningTemplate,
  CustomerDunning,
  DunningRun,
  DunningAction,
  DunningDocument,
  DunningTask,
  PromiseToPay,
  PaymentPlan,
  PaymentPlanInstalment,
  ReferenceRate,
];
