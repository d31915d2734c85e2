import { RiskAlert } from './alerts/risk-alert.entity.js';
import { CreditCheck } from './checks/credit-check.entity.js';
import { CreditLimit, CreditLimitUsage } from './limits/credit-limit.entity.js';
import { OpenOrder } from './orders/open-order.entity.js';
import { InvoicePrediction, PredictionModel } from './prediction/prediction.entities.js';
import { ExternalRating } from './ratings/external-rating.entity.js';
import { CustomerScore, CustomerScoreHistory } from './score/customer-score.entity.js';
import { ScoringSettings } from './settings/scoring-settings.entity.js';

export const SCORING_ENTITIES = [
  ScoringSettings,
  CustomerScore,
  CustomerScoreHistory,
  ExternalRating,
  CreditLimit,
  CreditLimitUsage,
  OpenOrder,
  RiskAlert,
  CreditCheck,
  PredictionModel,
  InvoicePrediction,
];
