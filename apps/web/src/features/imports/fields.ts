import type { ImportEntity } from '../../api/types';

export interface ImportField {
  /** The API's field name (dotted for nested objects: `billingAddress.city`). */
  name: string;
  required: boolean;
  /** Other header names that mean this field (compared without case, accents nor spaces). */
  aliases: string[];
}

const f = (name: string, required: boolean, aliases: string[] = []): ImportField => ({ name, required, aliases });

const CUSTOMER_REF = [
  'codeclient',
  'numeroclient',
  'noclient',
  'refclient',
  'referenceclient',
  'client',
  'customer',
  'customercode',
  'customerid',
  'compteclient',
  'tiers',
  'codetiers',
];
const CURRENCY = ['devise', 'monnaie', 'ccy'];
const AMOUNT_TTC = ['montant', 'montantttc', 'totalttc', 'ttc', 'amountinclvat', 'total'];

/** The fields each import accepts (see the API's row rules), with the usual French ERP headers. */
export const IMPORT_FIELDS: Record<ImportEntity, ImportField[]> = {
  customers: [
    f('externalRef', true, [
      'codeclient',
      'numeroclient',
      'noclient',
      'refclient',
      'referenceclient',
      'code',
      'customercode',
      'customerid',
      'compteclient',
      'codetiers',
    ]),
    f('name', true, ['nom', 'raisonsociale', 'client', 'societe', 'customername', 'denomination', 'intitule']),
    f('siren', false),
    f('siret', false),
    f('vatNumber', false, ['tva', 'numerotva', 'tvaintracom', 'tvaintracommunautaire', 'vat', 'vatid']),
    f('country', false, ['pays', 'codepays']),
    f('billingAddress.line1', false, ['adresse', 'adresse1', 'address', 'address1', 'rue']),
    f('billingAddress.line2', false, ['adresse2', 'complementadresse', 'address2']),
    f('billingAddress.postalCode', false, ['codepostal', 'cp', 'postalcode', 'zip', 'zipcode']),
    f('billingAddress.city', false, ['ville', 'city', 'localite', 'commune']),
    f('billingAddress.country', false, ['paysfacturation']),
    f('language', false, ['langue', 'lang']),
    f('legalEntityCode', false, ['entite', 'societeemettrice', 'entitejuridique', 'legalentity', 'company']),
    f('businessUnitCode', false, ['bu', 'businessunit', 'agence', 'division', 'etablissement']),
    f('salespersonEmail', false, ['commercial', 'emailcommercial', 'salesperson', 'vendeur']),
    f('paymentTermsDays', false, [
      'delaipaiement',
      'delaidepaiement',
      'conditionspaiement',
      'paymentterms',
      'termes',
      'echeancejours',
    ]),
    f('currency', false, CURRENCY),
    f('segment', false, ['secteur', 'categorie', 'famille', 'typeclient']),
    f('tags', false, ['etiquettes', 'labels']),
    f('blocked', false, ['bloque', 'blocage', 'compte bloque', 'isblocked']),
  ],
  invoices: [
    f('externalRef', true, ['idfacture', 'reffacture', 'referencefacture', 'piece', 'numeropiece', 'invoiceid', 'id']),
    f('number', false, ['numero', 'numerofacture', 'nfacture', 'facture', 'nofacture', 'invoicenumber', 'invoiceno']),
    f('customerRef', true, CUSTOMER_REF),
    f('legalEntityCode', false, ['entite', 'societe', 'legalentity', 'company']),
    f('issueDate', true, ['datefacture', 'date', 'dateemission', 'datepiece', 'invoicedate', 'issued']),
    f('dueDate', true, ['echeance', 'dateecheance', 'datedecheance', 'due', 'duedate']),
    f('currency', true, CURRENCY),
    f('amount', true, AMOUNT_TTC),
    f('taxAmount', false, ['tva', 'montanttva', 'vat', 'tax', 'taxes']),
    f('poNumber', false, ['commande', 'numerocommande', 'bondecommande', 'bc', 'po', 'ponumber', 'purchaseorder']),
    f('pdfUrl', false, ['pdf', 'lienpdf', 'url']),
    f('disputed', false, ['litige', 'enlitige', 'contestee', 'dispute']),
  ],
  'credit-notes': [
    f('externalRef', true, ['idavoir', 'refavoir', 'referenceavoir', 'piece', 'numeropiece', 'id']),
    f('number', false, ['numero', 'numeroavoir', 'navoir', 'avoir', 'noavoir', 'creditnotenumber']),
    f('customerRef', true, CUSTOMER_REF),
    f('legalEntityCode', false, ['entite', 'societe', 'legalentity', 'company']),
    f('issueDate', true, ['dateavoir', 'date', 'dateemission', 'datepiece']),
    f('dueDate', true, ['echeance', 'dateecheance', 'datedecheance', 'due']),
    f('currency', true, CURRENCY),
    f('amount', true, AMOUNT_TTC),
    f('taxAmount', false, ['tva', 'montanttva', 'vat', 'tax']),
    f('poNumber', false, ['commande', 'numerocommande', 'po']),
    f('pdfUrl', false, ['pdf', 'lienpdf', 'url']),
    f('disputed', false, ['litige', 'enlitige']),
  ],
  payments: [
    f('externalRef', true, ['idreglement', 'refreglement', 'referencereglement', 'reglement', 'idpaiement', 'paymentid', 'id']),
    f('customerRef', true, CUSTOMER_REF),
    f('date', true, ['datereglement', 'datepaiement', 'dateencaissement', 'valeur', 'datevaleur', 'paymentdate']),
    f('amount', true, ['montant', 'montantregle', 'montantencaisse', 'paid']),
    f('currency', true, CURRENCY),
    f('method', false, ['modereglement', 'moyenpaiement', 'modedepaiement', 'mode', 'paymentmethod']),
    f('bankReference', false, ['referencebancaire', 'refbanque', 'libellebancaire', 'libelle', 'bankref']),
  ],
  allocations: [
    f('externalRef', false, ['idlettrage', 'lettrage', 'reflettrage', 'id']),
    f('invoiceRef', true, ['facture', 'reffacture', 'numerofacture', 'invoice']),
    f('paymentRef', false, ['reglement', 'refreglement', 'paiement', 'payment']),
    f('creditNoteRef', false, ['avoir', 'refavoir', 'creditnote']),
    f('amount', true, ['montant', 'montantlettre', 'montantaffecte']),
    f('date', false, ['datelettrage', 'date']),
  ],
};
