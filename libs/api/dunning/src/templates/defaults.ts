import type { TemplateLanguage } from './merge-context.js';
import type { AnyTemplateChannel } from './render.js';

/**
 * The templates shipped with Encours, in French and English: a preventive email, two email
 * reminders (courteous, then firm with the late-payment penalties and the 40 EUR indemnity of
 * articles L441-10 and D441-5 of the Code de commerce), a short SMS, a firm letter, the formal
 * notice (mise en demeure, sent by registered letter) and the notes of a collection call.
 * Every template groups all the overdue invoices of the customer (one statement per step).
 */
export type DefaultTemplateCode =
  | 'preventive_email'
  | 'reminder_1_email'
  | 'reminder_2_email'
  | 'reminder_sms'
  | 'reminder_3_letter'
  | 'formal_notice'
  | 'call_script';

export interface DefaultTemplate {
  code: DefaultTemplateCode;
  channel: AnyTemplateChannel;
  language: TemplateLanguage;
  name: string;
  subject: string | null;
  body: string;
}

const FR: DefaultTemplate[] = [
  {
    code: 'preventive_email',
    channel: 'email',
    language: 'fr',
    name: 'Rappel avant échéance (e-mail)',
    subject: '{{ company.name }} – rappel d’échéance au {{ oldest.due_date }} – compte {{ customer.ref }}',
    body: `Bonjour {{ contact.name }},

Afin de faciliter le traitement de vos règlements, nous vous informons que {{#if invoices.many}}les factures suivantes arrivent{{else}}la facture suivante arrive{{/if}} prochainement à échéance :

{{ invoices.table }}

Nous vous remercions de bien vouloir vous assurer que {{#if invoices.many}}ces factures ont bien été reçues, validées et programmées{{else}}cette facture a bien été reçue, validée et programmée{{/if}} pour un règlement à bonne date. Si {{#if invoices.many}}l’une d’elles appelle{{else}}elle appelle{{/if}} une remarque (prix, quantité, livraison, numéro de commande…), merci de nous le signaler dès à présent : nous pourrons ainsi la traiter avant l’échéance.

Pour mémoire, nos coordonnées bancaires :
{{ company.payment_details }}

Si le règlement est déjà programmé, nous vous en remercions et vous prions de ne pas tenir compte de ce message.

Cordialement,

{{ company.signature }}`,
  },
  {
    code: 'reminder_1_email',
    channel: 'email',
    language: 'fr',
    name: 'Relance 1 – courtoise (e-mail)',
    subject:
      'Rappel de paiement – {{#if invoices.many}}factures échues{{else}}facture échue{{/if}} – {{ customer.name }} ({{ customer.ref }})',
    body: `Bonjour {{ contact.name }},

Sauf erreur ou omission de notre part, nous n’avons pas encore reçu le règlement {{#if invoices.many}}des factures suivantes, arrivées{{else}}de la facture suivante, arrivée{{/if}} à échéance :

{{ invoices.table }}

Le montant échu s’élève à **{{ total.overdue }}**.

Il s’agit probablement d’un simple oubli. Nous vous remercions de bien vouloir procéder au règlement dans les meilleurs délais, par virement sur le compte suivant :
{{ company.payment_details }}

Si votre paiement a été émis entre-temps, merci de ne pas tenir compte de ce message ; pour faciliter son rapprochement, vous pouvez nous en indiquer la date et le montant en réponse à cet e-mail. Si {{#if invoices.many}}l’une de ces factures fait{{else}}cette facture fait{{/if}} l’objet d’une réserve ou d’un désaccord, n’hésitez pas à nous en faire part : nous la traiterons sans délai.

{{#if collector}}Votre interlocuteur : {{ collector.contact }}{{/if}}

Cordialement,

{{ company.signature }}`,
  },
  {
    code: 'reminder_2_email',
    channel: 'email',
    language: 'fr',
    name: 'Relance 2 – ferme (e-mail)',
    subject:
      'Deuxième relance – {{#if invoices.many}}factures impayées{{else}}facture impayée{{/if}} – {{ customer.name }} ({{ customer.ref }})',
    body: `Bonjour {{ contact.name }},

Malgré notre précédent rappel, nous constatons que {{#if invoices.many}}les factures suivantes restent impayées{{else}}la facture suivante reste impayée{{/if}} à ce jour :

{{ invoices.table }}

Le montant échu s’élève à **{{ total.overdue }}** ; la plus ancienne échéance date du {{ oldest.due_date }}, soit {{ oldest.days_late }} jours de retard.

{{#if penalties.applicable}}Nous vous rappelons que, conformément à l’article L441-10 du Code de commerce et à nos conditions générales de vente, tout retard de paiement rend exigibles de plein droit, sans qu’un rappel soit nécessaire, des pénalités de retard au {{ penalties.rate }}, ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5 du Code de commerce). À ce jour, les pénalités s’élèvent à {{ total.penalties }} et les indemnités forfaitaires à {{ total.indemnities }}.{{/if}}

Nous vous demandons de bien vouloir régulariser cette situation {{#if deadline}}au plus tard le **{{ deadline }}**{{else}}sous huit jours{{/if}}, par virement sur le compte suivant :
{{ company.payment_details }}

Si un désaccord explique ce retard, merci de nous le signaler sans attendre, en précisant la facture et le motif, afin que nous puissions le régler ensemble. Si votre règlement est en cours, merci de nous en communiquer la date et le montant.

À défaut de règlement ou de réponse de votre part, nous serons contraints de poursuivre le recouvrement de ces sommes par les voies appropriées.

{{#if collector}}Votre interlocuteur : {{ collector.contact }}{{/if}}

Cordialement,

{{ company.signature }}`,
  },
  {
    code: 'reminder_sms',
    channel: 'sms',
    language: 'fr',
    name: 'Relance SMS',
    subject: null,
    body: `{{ company.name }} : sauf erreur de notre part, {{#if invoices.many}}{{ invoices.count }} factures échues restent impayées{{else}}1 facture échue reste impayée{{/if}} sur votre compte {{ customer.ref }}, pour un total de {{ total.overdue }}. Merci de procéder au règlement ou de nous contacter{{#if collector.phone}} au {{ collector.phone }}{{/if}}. Si le paiement est en cours, merci de ne pas tenir compte de ce message.`,
  },
  {
    code: 'reminder_3_letter',
    channel: 'letter',
    language: 'fr',
    name: 'Relance 3 – lettre ferme',
    subject: null,
    body: `Madame, Monsieur,

Malgré nos relances précédentes, nous constatons que {{#if invoices.many}}les factures ci-dessous restent impayées{{else}}la facture ci-dessous reste impayée{{/if}} à ce jour :

{{ invoices.table }}

Le montant échu s’élève à **{{ total.overdue }}** ; la plus ancienne échéance date du {{ oldest.due_date }}, soit {{ oldest.days_late }} jours de retard.

{{#if penalties.applicable}}Conformément à l’article L441-10 du Code de commerce et à nos conditions générales de vente, ces retards rendent exigibles de plein droit des pénalités de retard au {{ penalties.rate }}, soit {{ total.penalties }} à ce jour, ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5 du Code de commerce), soit {{ total.indemnities }}. Le total dû s’élève ainsi à **{{ total.due }}**.{{/if}}

Nous vous demandons de procéder au règlement de ces sommes {{#if deadline}}au plus tard le **{{ deadline }}**{{else}}sous huit jours à compter de la réception de la présente{{/if}}, par virement sur le compte suivant :
{{ company.payment_details }}

À défaut de règlement dans ce délai, nous serons contraints de vous adresser une mise en demeure, préalable à une procédure de recouvrement judiciaire, et nous nous réservons le droit de suspendre toute nouvelle livraison.

Si un désaccord justifie ce retard, nous vous remercions de nous en faire part sans délai et par écrit, afin que nous puissions l’examiner. Si votre règlement a été effectué entre-temps, nous vous prions de ne pas tenir compte de ce courrier.

Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.

{{ company.signature }}`,
  },
  {
    code: 'formal_notice',
    channel: 'formal_notice',
    language: 'fr',
    name: 'Mise en demeure (lettre recommandée avec AR)',
    subject: null,
    body: `Madame, Monsieur,

Malgré nos relances successives, restées sans effet, nous constatons que {{#if invoices.many}}les factures suivantes, dont les échéances sont dépassées, demeurent impayées{{else}}la facture suivante, dont l’échéance est dépassée, demeure impayée{{/if}} :

{{ invoices.table }}

{{#if penalties.applicable}}Par la présente, nous vous mettons en demeure de nous régler la somme de **{{ total.due }}**, qui se décompose comme suit :
– principal : {{ total.overdue }} ;
– pénalités de retard calculées au {{ penalties.rate }}, arrêtées au {{ today }} (article L441-10 du Code de commerce) : {{ total.penalties }} ;
– indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5 du Code de commerce) : {{ total.indemnities }}.{{else}}Par la présente, nous vous mettons en demeure de nous régler la somme de **{{ total.overdue }}** en principal.{{/if}}

Ce règlement devra nous parvenir {{#if deadline}}dans un délai de huit jours à compter de la date de la présente, soit au plus tard le **{{ deadline }}**{{else}}dans un délai de huit jours à compter de la réception de la présente{{/if}}, par virement sur le compte suivant :
{{ company.payment_details }}

À défaut de paiement intégral dans ce délai, nous engagerons sans autre avis une procédure judiciaire de recouvrement, notamment par voie d’injonction de payer, afin d’obtenir le paiement des sommes dues{{#if penalties.applicable}}, augmentées des pénalités de retard qui continuent de courir jusqu’au complet paiement{{/if}}, ainsi que des frais de procédure, qui resteront à votre charge.

La présente lettre vaut mise en demeure au sens de l’article 1344 du Code civil.

Si vous avez procédé au règlement entre-temps, nous vous prions de nous en communiquer les références et de ne pas tenir compte de ce courrier.

Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.

{{ company.signature }}`,
  },
  {
    code: 'call_script',
    channel: 'call',
    language: 'fr',
    name: 'Appel de relance – trame',
    subject: null,
    body: `**Appel de relance – {{ customer.name }} ({{ customer.ref }})**
Étape : {{ step.name }}
{{#if contact}}Interlocuteur : {{ contact.name }}{{else}}Interlocuteur : à identifier (service comptabilité fournisseurs){{/if}}

**Situation du compte**
– {{ invoices.count }} facture(s) concernée(s), montant échu : {{ total.overdue }} ; encours total : {{ total.open }}.
– Plus ancienne échéance : {{ oldest.due_date }} ({{ oldest.days_late }} jours de retard).
{{#if penalties.applicable}}– Pénalités de retard à ce jour : {{ total.penalties }} ; indemnités forfaitaires (40 € par facture) : {{ total.indemnities }}.{{/if}}

{{ invoices.table }}

**Déroulé de l’appel**
1. Se présenter : {{ collector.name }}, {{ company.name }}. Vérifier que l’on parle à la personne en charge du règlement des factures.
2. Rappeler les factures échues et le montant total ; demander si elles ont bien été reçues et validées.
3. En cas de contestation : noter la facture, le motif (prix, quantité, livraison, commande manquante, doublon…) et le montant en litige, puis ouvrir un litige ; la relance de cette facture est suspendue jusqu’à sa résolution.
4. Sinon, obtenir un engagement précis : montant, date et mode de règlement, et l’enregistrer comme promesse de paiement.
5. Si le client fait état de difficultés de trésorerie : proposer un échéancier et le soumettre à validation avant de le confirmer.
6. Si besoin, rappeler les coordonnées bancaires : {{ company.payment_details }}
7. Conclure en récapitulant l’engagement pris et annoncer l’e-mail de confirmation.

**Après l’appel**
Consigner le compte rendu sur la fiche client (interlocuteur, réponse, promesse ou litige). Sans engagement ni réponse, le scénario de relance se poursuit à l’étape suivante.`,
  },
];

const EN: DefaultTemplate[] = [
  {
    code: 'preventive_email',
    channel: 'email',
    language: 'en',
    name: 'Pre-due reminder (email)',
    subject: '{{ company.name }} – payment due on {{ oldest.due_date }} – account {{ customer.ref }}',
    body: `Dear {{ contact.name }},

To help you plan your payments, we would like to let you know that the following {{#if invoices.many}}invoices fall{{else}}invoice falls{{/if}} due shortly:

{{ invoices.table }}

Could you please make sure that {{#if invoices.many}}these invoices have been received, approved and scheduled{{else}}this invoice has been received, approved and scheduled{{/if}} for payment on time? If anything needs clarifying (price, quantity, delivery, purchase order number…), please let us know now so that we can sort it out before the due date.

For your convenience, our bank details are:
{{ company.payment_details }}

If payment has already been scheduled, thank you, and please disregard this message.

Kind regards,

{{ company.signature }}`,
  },
  {
    code: 'reminder_1_email',
    channel: 'email',
    language: 'en',
    name: 'Reminder 1 – friendly (email)',
    subject:
      'Payment reminder – overdue {{#if invoices.many}}invoices{{else}}invoice{{/if}} – {{ customer.name }} ({{ customer.ref }})',
    body: `Dear {{ contact.name }},

According to our records, we have not yet received payment of the following {{#if invoices.many}}invoices, which are{{else}}invoice, which is{{/if}} now past due:

{{ invoices.table }}

The overdue amount is **{{ total.overdue }}**.

This is probably an oversight. We would be grateful if you could arrange payment at your earliest convenience, by bank transfer to:
{{ company.payment_details }}

If you have paid in the meantime, please disregard this message; to help us match your payment, you may reply with its date and amount. If {{#if invoices.many}}any of these invoices is{{else}}this invoice is{{/if}} disputed, please let us know and we will look into it straight away.

{{#if collector}}Your contact: {{ collector.contact }}{{/if}}

Kind regards,

{{ company.signature }}`,
  },
  {
    code: 'reminder_2_email',
    channel: 'email',
    language: 'en',
    name: 'Reminder 2 – firm (email)',
    subject:
      'Second reminder – unpaid {{#if invoices.many}}invoices{{else}}invoice{{/if}} – {{ customer.name }} ({{ customer.ref }})',
    body: `Dear {{ contact.name }},

Despite our previous reminder, the following {{#if invoices.many}}invoices remain{{else}}invoice remains{{/if}} unpaid:

{{ invoices.table }}

The overdue amount is **{{ total.overdue }}**; the oldest due date was {{ oldest.due_date }}, {{ oldest.days_late }} days ago.

{{#if penalties.applicable}}We would remind you that, under article L441-10 of the French Commercial Code and our terms and conditions of sale, any late payment automatically makes late-payment interest due, without a reminder being required, at the {{ penalties.rate }}, together with a fixed compensation for recovery costs of EUR 40 per invoice (article D441-5 of the French Commercial Code). To date, interest amounts to {{ total.penalties }} and the fixed compensation to {{ total.indemnities }}.{{/if}}

Please settle this balance {{#if deadline}}by **{{ deadline }}** at the latest{{else}}within eight days{{/if}}, by bank transfer to:
{{ company.payment_details }}

If a dispute explains this delay, please let us know without delay, stating the invoice and the reason, so that we can resolve it together. If your payment is under way, please tell us its date and amount.

Failing payment or a reply from you, we will have to pursue the recovery of these sums by the appropriate means.

{{#if collector}}Your contact: {{ collector.contact }}{{/if}}

Kind regards,

{{ company.signature }}`,
  },
  {
    code: 'reminder_sms',
    channel: 'sms',
    language: 'en',
    name: 'SMS reminder',
    subject: null,
    body: `{{ company.name }}: according to our records, {{#if invoices.many}}{{ invoices.count }} overdue invoices remain{{else}}1 overdue invoice remains{{/if}} unpaid on your account {{ customer.ref }}, total {{ total.overdue }}. Please arrange payment or contact us{{#if collector.phone}} on {{ collector.phone }}{{/if}}. If payment is under way, please ignore this message.`,
  },
  {
    code: 'reminder_3_letter',
    channel: 'letter',
    language: 'en',
    name: 'Reminder 3 – firm letter',
    subject: null,
    body: `Dear {{ contact.name }},

Despite our previous reminders, the {{#if invoices.many}}invoices listed below remain{{else}}invoice below remains{{/if}} unpaid:

{{ invoices.table }}

The overdue amount is **{{ total.overdue }}**; the oldest due date was {{ oldest.due_date }}, {{ oldest.days_late }} days ago.

{{#if penalties.applicable}}Under article L441-10 of the French Commercial Code and our terms and conditions of sale, late payment automatically makes late-payment interest due at the {{ penalties.rate }}, amounting to {{ total.penalties }} to date, together with a fixed compensation for recovery costs of EUR 40 per invoice (article D441-5 of the French Commercial Code), amounting to {{ total.indemnities }}. The total due is therefore **{{ total.due }}**.{{/if}}

We ask you to pay these sums {{#if deadline}}by **{{ deadline }}** at the latest{{else}}within eight days of receiving this letter{{/if}}, by bank transfer to:
{{ company.payment_details }}

Failing payment within this period, we will have to send you a formal notice before taking legal action to recover the debt, and we reserve the right to suspend any further deliveries.

If a dispute explains this delay, please inform us in writing without delay so that we can look into it. If you have paid in the meantime, please disregard this letter.

{{#if contact}}Yours sincerely,{{else}}Yours faithfully,{{/if}}

{{ company.signature }}`,
  },
  {
    code: 'formal_notice',
    channel: 'formal_notice',
    language: 'en',
    name: 'Formal notice (registered letter with acknowledgement of receipt)',
    subject: null,
    body: `Dear {{ contact.name }},

Despite our successive reminders, which have remained unanswered, the following {{#if invoices.many}}invoices, now past their due dates, remain{{else}}invoice, now past its due date, remains{{/if}} unpaid:

{{ invoices.table }}

{{#if penalties.applicable}}We hereby give you formal notice to pay the sum of **{{ total.due }}**, made up as follows:
– principal: {{ total.overdue }};
– late-payment interest at the {{ penalties.rate }}, calculated up to {{ today }} (article L441-10 of the French Commercial Code): {{ total.penalties }};
– fixed compensation for recovery costs of EUR 40 per invoice (article D441-5 of the French Commercial Code): {{ total.indemnities }}.{{else}}We hereby give you formal notice to pay the principal sum of **{{ total.overdue }}**.{{/if}}

Payment must reach us {{#if deadline}}within eight days of the date of this letter, that is by **{{ deadline }}** at the latest{{else}}within eight days of receiving this letter{{/if}}, by bank transfer to:
{{ company.payment_details }}

Failing payment in full within this period, we will take legal action to recover the debt without further notice, in particular by applying for an order for payment (injonction de payer), to obtain the sums due{{#if penalties.applicable}}, together with the late-payment interest accruing until full payment{{/if}}, and the costs of the proceedings, which will be borne by you.

This letter constitutes a formal notice (mise en demeure) within the meaning of article 1344 of the French Civil Code.

If you have paid in the meantime, please send us the payment details and disregard this letter.

{{#if contact}}Yours sincerely,{{else}}Yours faithfully,{{/if}}

{{ company.signature }}`,
  },
  {
    code: 'call_script',
    channel: 'call',
    language: 'en',
    name: 'Collection call – script',
    subject: null,
    body: `**Collection call – {{ customer.name }} ({{ customer.ref }})**
Step: {{ step.name }}
{{#if contact}}Contact: {{ contact.name }}{{else}}Contact: to be identified (accounts payable department){{/if}}

**Account position**
– {{ invoices.count }} invoice(s) concerned, overdue amount: {{ total.overdue }}; total open balance: {{ total.open }}.
– Oldest due date: {{ oldest.due_date }} ({{ oldest.days_late }} days late).
{{#if penalties.applicable}}– Late-payment interest to date: {{ total.penalties }}; fixed compensation (EUR 40 per invoice): {{ total.indemnities }}.{{/if}}

{{ invoices.table }}

**Call outline**
1. Introduce yourself: {{ collector.name }}, {{ company.name }}. Check that you are speaking to the person who handles supplier payments.
2. Go through the overdue invoices and the total; ask whether they were received and approved.
3. If an invoice is disputed: note the invoice, the reason (price, quantity, delivery, missing purchase order, duplicate…) and the amount disputed, then open a dispute; dunning of that invoice is paused until it is resolved.
4. Otherwise, get a precise commitment: amount, payment date and method, and record it as a promise to pay.
5. If the customer mentions cash-flow difficulties: offer a payment plan and submit it for approval before confirming it.
6. If needed, give the bank details: {{ company.payment_details }}
7. Close by summarising the commitment and announce the confirmation email.

**After the call**
Log the outcome on the customer's file (contact, answer, promise or dispute). Without a commitment or an answer, the dunning scenario moves on to its next step.`,
  },
];

export const DEFAULT_TEMPLATES: DefaultTemplate[] = [...FR, ...EN];

export function defaultTemplate(code: DefaultTemplateCode, language: TemplateLanguage): DefaultTemplate {
  const t = DEFAULT_TEMPLATES.find((d) => d.code === code && d.language === language);
  if (!t) throw new Error(`No default template ${code} in ${language}`);
  return t;
}
