import { describe, expect, it } from 'vitest';
import {
  ALERT_TYPES,
  DECISIONS,
  GRADES,
  LIMIT_SOURCES,
  OUTCOME_RULES,
  RULE_OUTCOMES,
  WEIGHT_KEYS,
  type CreditCheck,
  type CreditCheckReason,
  type RiskAlert,
  type ScoreFactor,
} from '../src/api/scoring';
import { formatDate, formatMoney, formatNumber, formatPercent } from '../src/format';
import { i18n, setLocale, type AppLocale } from '../src/i18n';
import { alertText, factorSentence, reasonText, usageTone, type Formatters } from '../src/features/risk/labels';

const t = (key: string, named?: Record<string, unknown>, plural?: number): string =>
  plural === undefined ? i18n.global.t(key, named ?? {}) : i18n.global.t(key, named ?? {}, plural);
const fmt = (locale: AppLocale): Formatters => ({
  date: (v) => formatDate(v, locale),
  money: (a, c) => formatMoney(a, c, locale),
  percent: (p, d) => formatPercent(p, locale, d),
  number: (v, d) => formatNumber(v, locale, d),
});

function factor(key: ScoreFactor['key'], value: number | null, detail: ScoreFactor['detail'] = null): ScoreFactor {
  const available = value !== null || key === 'legalEvent';
  return { key, value, points: available ? 40 : null, weight: 0.25, contribution: 10, impact: 15, available, detail };
}

/** Every value the API may send has its words in both languages (no raw key on screen). */
const LABELLED: Array<[string, readonly string[]]> = [
  ['risk.gradeNames', GRADES],
  ['risk.factors', [...WEIGHT_KEYS, 'legalEvent']],
  ['risk.factorHints', WEIGHT_KEYS],
  ['risk.unavailable', [...WEIGHT_KEYS, 'legalEvent']],
  ['risk.sources', LIMIT_SOURCES],
  ['risk.statuses', ['pending', 'active', 'rejected', 'superseded']],
  ['risk.alertTypes', ALERT_TYPES],
  ['risk.legalEvents', ['safeguard', 'receivership', 'liquidation']],
  ['risk.settings.outcomes', RULE_OUTCOMES],
  ['risk.settings.ruleNames', [...OUTCOME_RULES, 'overdueDays', 'overdueAmount']],
  ['risk.predictions.bases', ['customer', 'segment', 'global', 'due_date']],
  ['creditChecks.decisions', DECISIONS],
  ['creditChecks.headlines', DECISIONS],
  [
    'creditChecks.reasons',
    ['account_blocked', 'legal_event', 'over_limit', 'no_limit', 'overdue_days', 'overdue_amount', 'grade_e', 'grade_d'],
  ],
];

describe('risk vocabulary', () => {
  it.each(['fr', 'en'] as const)('has every label in %s', (locale) => {
    const messages = i18n.global.getLocaleMessage(locale) as unknown as Record<string, unknown>;
    for (const [path, values] of LABELLED) {
      const group = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], messages) as Record<
        string,
        unknown
      >;
      for (const value of values) expect(typeof group?.[value], `${locale} ${path}.${value}`).toBe('string');
    }
  });
});

describe('factor sentences', () => {
  it('explain a grade in plain French', () => {
    setLocale('fr', false);
    const base = fmt('fr');
    const sentence = (x: ScoreFactor) => factorSentence(x, t, base).replace(/\u202f|\u00a0/g, ' ');
    expect(sentence(factor('daysLate', 32))).toBe('Retard moyen pondéré de 32 jours sur 6 mois');
    expect(sentence(factor('daysLate', 1.5))).toBe('Retard moyen pondéré de 1,5 jours sur 6 mois');
    expect(sentence(factor('daysLate', 0))).toBe('Aucun retard de paiement sur 6 mois');
    expect(sentence(factor('lateTrend', 7.5, { recentDaysLate: 20, priorDaysLate: 12.5 }))).toBe(
      'Paie 7,5 j plus tard qu’au semestre précédent (20 j contre 12,5 j)',
    );
    expect(sentence(factor('lateShare', 40, { settled: 10, late: 4 }))).toBe(
      '4 factures sur 10 payées en retard sur 12 mois (40 %)',
    );
    expect(sentence(factor('brokenPromises', 1))).toBe('1 promesse de paiement non tenue sur 12 mois');
    expect(sentence(factor('overdueRatio', 60))).toBe('60 % de l’encours ouvert est échu');
    expect(sentence(factor('limitUsage', 104, { exposure: '52000.00', limit: '50000.00', currency: 'EUR' }))).toBe(
      'Limite de crédit utilisée à 104 % (52 000,00 € sur 50 000,00 €)',
    );
    expect(sentence(factor('externalScore', 70, { provider: 'altares', ratedOn: '2026-03-01', score: 14, scaleMax: 20 }))).toBe(
      'Note Altares de 14/20 au 01/03/2026',
    );
    expect(sentence(factor('limitUsage', null))).toBe('Pas de limite de crédit valide');
    expect(sentence(factor('legalEvent', null, { event: 'liquidation', date: '2026-02-20', provider: 'altares' }))).toBe(
      'Liquidation judiciaire depuis le 20/02/2026 (source : Altares) : la note est forcée à E.',
    );
  });

  it('and in English', () => {
    setLocale('en', false);
    const f = fmt('en');
    expect(factorSentence(factor('daysLate', 32), t, f)).toBe('Weighted average of 32 days late over 6 months');
    expect(factorSentence(factor('brokenPromises', 0), t, f)).toBe('No broken promise to pay in 12 months');
    expect(factorSentence(factor('lateTrend', -3, { recentDaysLate: 5, priorDaysLate: 8 }), t, f)).toBe(
      'Pays 3 days earlier than in the previous 6 months (5 d vs 8 d)',
    );
  });
});

describe('alerts and credit-check reasons', () => {
  const alert = (type: RiskAlert['type'], data: Record<string, unknown>): RiskAlert => ({
    id: 'a1',
    type,
    customerId: 'c1',
    customerRef: 'C1',
    customerName: 'Dupont',
    severity: 'critical',
    message: 'English message',
    data,
    readAt: null,
    readById: null,
    createdAt: '2026-03-02T08:10:00.000Z',
  });

  it('word an alert from its data, or fall back on the API message', () => {
    setLocale('fr', false);
    const f = fmt('fr');
    expect(
      alertText(
        alert('limit_threshold', {
          level: 100,
          usagePercent: '104.00',
          exposure: '52000.00',
          limit: '50000.00',
          currency: 'EUR',
        }),
        t,
        f,
      ).replace(/\u202f|\u00a0/g, ' '),
    ).toBe('Encours de 52 000,00 €, soit 104 % de la limite de 50 000,00 € : seuil de 100 % franchi.');
    expect(alertText(alert('grade_change', { previousGrade: 'C', grade: 'D', score: 45 }), t, f)).toBe(
      'Note passée de C à D (score 45/100).',
    );
    expect(alertText(alert('legal_event', {}), t, f)).toBe('English message');
  });

  const check = {
    amount: '1250.00',
    currency: 'USD',
    exposure: '0.00',
    limit: '1000.00',
    limitCurrency: 'EUR',
  } as CreditCheck;
  const nbsp = (s: string) => s.replace(/\u202f|\u00a0/g, ' ');
  const reason = (code: CreditCheckReason['code'], data?: CreditCheckReason['data']): CreditCheckReason => ({
    code,
    outcome: 'block',
    message: 'English message, not parsed',
    ...(data ? { data } : {}),
  });
  /** One reason of each code with its data, as the API sends them. */
  const WITH_DATA: CreditCheckReason[] = [
    reason('account_blocked', {}),
    reason('legal_event', { provider: 'altares', event: 'receivership', since: '2026-03-02' }),
    reason('legal_event', { provider: 'ellisphere', event: 'safeguard', since: null }),
    reason('over_limit', { currency: 'EUR', exposureAfter: '61500.00', limit: '50000.00', excess: '11500.00' }),
    reason('no_limit', {}),
    reason('overdue_days', { days: 75, threshold: 60 }),
    reason('overdue_days', { days: 1, threshold: 0 }),
    reason('overdue_amount', { currency: 'EUR', overdue: '1200.50', threshold: '1000.00' }),
    reason('grade_e', { grade: 'E' }),
    reason('grade_d', { grade: 'D' }),
  ];

  it('word the reasons of a check from their data, in French', () => {
    setLocale('fr', false);
    const f = fmt('fr');
    expect(WITH_DATA.map((r) => nbsp(reasonText(r, check, t, f)))).toEqual([
      'Le compte est bloqué par les relances',
      'Redressement judiciaire depuis le 02/03/2026 (source : Altares)',
      'Procédure de sauvegarde (source : Ellisphere)',
      'La commande porterait l’encours à 61 500,00 €, au-delà de la limite de 50 000,00 € (dépassement de 11 500,00 €)',
      'Le client n’a pas de limite de crédit valide',
      'Une facture est échue depuis 75 jours (plus de 60 jours)',
      'Une facture est échue depuis 1 jour (plus de 0 jours)',
      'Les factures échues totalisent 1 200,50 €, plus que 1 000,00 €',
      'La note de risque est E',
      'La note de risque est D',
    ]);
  });

  it('and in English', () => {
    setLocale('en', false);
    const f = fmt('en');
    expect(WITH_DATA.map((r) => reasonText(r, check, t, f))).toEqual([
      'The account is blocked by dunning',
      'Receivership since 02/03/2026, reported by Altares',
      'Safeguard proceedings reported by Ellisphere',
      'The order would take the exposure to €61,500.00, above the €50,000.00 limit by €11,500.00',
      'The customer has no valid credit limit',
      'An invoice is 75 days overdue (more than 60 days)',
      'An invoice is 1 day overdue (more than 0 days)',
      'Overdue invoices total €1,200.50, more than €1,000.00',
      'The risk grade is E',
      'The risk grade is D',
    ]);
  });

  it('word the amounts in the currency of the data, else the limit currency of the check', () => {
    setLocale('fr', false);
    const f = fmt('fr');
    const usd = reason('over_limit', { currency: 'USD', exposureAfter: '10010.00', limit: '10000.00', excess: '10.00' });
    expect(nbsp(reasonText(usd, check, t, f))).toBe(
      'La commande porterait l’encours à 10 010,00 $US, au-delà de la limite de 10 000,00 $US (dépassement de 10,00 $US)',
    );
    const noCurrency = reason('over_limit', { exposureAfter: '1125.00', limit: '1000.00', excess: '125.00' });
    expect(nbsp(reasonText(noCurrency, check, t, f))).toBe(
      'La commande porterait l’encours à 1 125,00 €, au-delà de la limite de 1 000,00 € (dépassement de 125,00 €)',
    );
  });

  it.each([
    [
      'fr',
      [
        'Le compte est bloqué par les relances',
        'Une procédure collective est en cours',
        'La commande ferait dépasser la limite de crédit',
        'Le client n’a pas de limite de crédit valide',
        'Une facture est échue depuis trop longtemps',
        'Le montant échu dépasse le seuil',
        'La note de risque est E',
        'La note de risque est D',
      ],
    ],
    [
      'en',
      [
        'The account is blocked by dunning',
        'A collective proceeding is under way',
        'The order would take the exposure over the credit limit',
        'The customer has no valid credit limit',
        'An invoice has been overdue for too long',
        'The overdue amount is above the threshold',
        'The risk grade is E',
        'The risk grade is D',
      ],
    ],
  ] as const)('fall back on the plain sentence without data (checks logged before), in %s', (locale, want) => {
    setLocale(locale, false);
    const f = fmt(locale);
    const codes = [
      'account_blocked',
      'legal_event',
      'over_limit',
      'no_limit',
      'overdue_days',
      'overdue_amount',
      'grade_e',
      'grade_d',
    ] as const;
    // The English message of an older check is not parsed, whatever it says.
    const old = codes.map((code) => ({
      code,
      outcome: 'review' as const,
      message: 'An invoice is 75 days past due (more than 60 days)',
    }));
    expect(old.map((r) => reasonText(r, check, t, f))).toEqual(want);
    // Data with a missing figure is treated as absent.
    expect(reasonText(reason('over_limit', { currency: 'EUR', limit: '1000.00' }), check, t, f)).toBe(want[2]);
    expect(reasonText(reason('overdue_days', { days: 75 }), check, t, f)).toBe(want[4]);
  });

  it('tone the usage of a limit', () => {
    expect([usageTone('79.99'), usageTone('80.00'), usageTone('100.00'), usageTone(null)]).toEqual(['ok', 'near', 'over', 'ok']);
  });
});
