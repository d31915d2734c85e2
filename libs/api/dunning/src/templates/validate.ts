import { mergeField } from './merge-fields.js';
import { lineOf, parsePart, type TemplateProblem, type Token } from './parse.js';
import type { Template } from './render.js';
import { gsmCapacity, gsmSeptets, SMS_MAX_SEGMENTS, toGsm7 } from './sms.js';

const SUBJECT_MAX = 200;

/** Worst-case septets of an SMS: every field at its maximum length, the longer branch of each condition. */
export function smsWorstCaseSeptets(tokens: Token[]): number {
  let total = 0;
  let thenLen = 0;
  let elseLen = 0;
  let branch: 'none' | 'then' | 'else' = 'none';
  for (const t of tokens) {
    let n = 0;
    if (t.kind === 'text') n = gsmSeptets(toGsm7(t.value));
    else if (t.kind === 'field') n = mergeField(t.name)?.smsMaxLength ?? 0;
    else if (t.kind === 'if') {
      branch = 'then';
      thenLen = elseLen = 0;
      continue;
    } else if (t.kind === 'else') {
      branch = 'else';
      continue;
    } else if (t.kind === 'endif') {
      total += Math.max(thenLen, elseLen);
      branch = 'none';
      continue;
    }
    if (branch === 'then') thenLen += n;
    else if (branch === 'else') elseLen += n;
    else total += n;
  }
  if (branch !== 'none') total += Math.max(thenLen, elseLen);
  return total;
}

/** Source paragraphs (separated by blank lines) as [start, end) offsets. */
function paragraphRanges(source: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const re = /\n[ \t]*\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source))) {
    ranges.push([start, m.index]);
    start = m.index + m[0].length;
    re.lastIndex = start;
  }
  ranges.push([start, source.length]);
  return ranges;
}

/**
 * Checks a template before it is saved or used: syntax (braces, conditions, bold), unknown
 * fields (with the closest known one), what each channel allows (subject for email only, no
 * table or bold in an SMS, at most 3 SMS segments in the worst case, the invoice table in a
 * formal notice). An empty list means the template is valid.
 */
export function validateTemplate(t: Template): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const add = (field: 'subject' | 'body', code: TemplateProblem['code'], message: string) =>
    problems.push({ field, code, message });
  const body = (t.body ?? '').replace(/\r\n?/g, '\n');

  if (!body.trim()) add('body', 'empty_body', 'The body is empty');

  if (t.channel === 'email') {
    if (t.subject == null || !t.subject.trim()) add('subject', 'missing_subject', 'An email needs a subject');
  } else if (t.subject != null && t.subject.trim() !== '') {
    add('subject', 'unexpected_subject', `A subject is only used by email, not by the ${t.channel} channel: leave it empty`);
  }

  if (t.channel === 'email' && t.subject != null && t.subject.trim()) {
    const subject = parsePart(t.subject, 'subject');
    problems.push(...subject.problems);
    if (/[\r\n]/.test(t.subject.trim())) add('subject', 'field_not_allowed', 'The subject must fit on one line');
    if (t.subject.length > SUBJECT_MAX)
      add('subject', 'subject_too_long', `The subject is longer than ${SUBJECT_MAX} characters`);
    for (const tok of subject.tokens) {
      if (tok.kind === 'bold') add('subject', 'bold_not_allowed', 'Bold (**…**) is not available in a subject');
      if (tok.kind === 'field') {
        const info = mergeField(tok.name);
        if (info?.block || info?.multiline) {
          add(
            'subject',
            'field_not_allowed',
            `"{{ ${tok.name} }}" renders ${info.block ? 'a table' : 'several lines'}: not in a subject`,
          );
        }
      }
    }
  }

  const parsed = parsePart(body, 'body');
  problems.push(...parsed.problems);

  const tableTokens = parsed.tokens.filter((tok) => tok.kind === 'field' && tok.name === 'invoices.table');
  if (t.channel === 'sms') {
    for (const tok of parsed.tokens) {
      if (tok.kind !== 'field') continue;
      const info = mergeField(tok.name);
      if (info && info.smsMaxLength === null) {
        add('body', 'field_not_allowed', `"{{ ${tok.name} }}" (line ${lineOf(body, tok.offset)}) is not available in an SMS`);
      }
    }
    if (parsed.tokens.some((tok) => tok.kind === 'bold'))
      add('body', 'bold_not_allowed', 'Bold (**…**) is not available in an SMS');
    const septets = smsWorstCaseSeptets(
      parsed.tokens.filter((tok) => !(tok.kind === 'field' && mergeField(tok.name)?.smsMaxLength === null)),
    );
    const capacity = gsmCapacity(SMS_MAX_SEGMENTS);
    if (septets > capacity) {
      add(
        'body',
        'sms_too_long',
        `The SMS can reach ${septets} characters with long values, more than ${SMS_MAX_SEGMENTS} segments (${capacity} characters): shorten it`,
      );
    }
  } else {
    const lines = body.split('\n');
    for (const tok of tableTokens) {
      const line = lineOf(body, tok.offset) - 1;
      const alone = (s: string | undefined) => s === undefined || s.trim() === '';
      const own = lines[line].replace(/\{\{\s*invoices\.table\s*\}\}/, '');
      if (!alone(own) || !alone(lines[line - 1]) || !alone(lines[line + 1])) {
        add(
          'body',
          'table_not_alone',
          `"{{ invoices.table }}" (line ${line + 1}) must stand alone in its paragraph, between blank lines`,
        );
      }
    }
    if (t.channel === 'formal_notice' && tableTokens.length === 0) {
      add('body', 'missing_table', 'A formal notice must list the invoices claimed: add "{{ invoices.table }}"');
    }
  }

  for (const [start, end] of paragraphRanges(body)) {
    const bolds = parsed.tokens.filter((tok) => tok.kind === 'bold' && tok.offset >= start && tok.offset < end).length;
    if (bolds % 2 === 1) {
      add('body', 'unbalanced_bold', `Unclosed bold "**" in the paragraph at line ${lineOf(body, start)}`);
    }
  }
  return problems;
}
