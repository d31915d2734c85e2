import { isMergeCondition, MERGE_CONDITIONS, MERGE_FIELDS, mergeField } from './merge-fields.js';

/**
 * Template syntax: plain text, paragraphs separated by blank lines, `**bold**`, merge fields
 * `{{ name }}`, and one level of conditions `{{#if name}} … {{else}} … {{/if}}`.
 * The parser never evaluates anything: names are looked up in MERGE_FIELDS / MERGE_CONDITIONS.
 */

export type Token =
  | { kind: 'text'; value: string; offset: number }
  | { kind: 'field'; name: string; offset: number }
  | { kind: 'bold'; offset: number }
  | { kind: 'if'; condition: string; offset: number }
  | { kind: 'else'; offset: number }
  | { kind: 'endif'; offset: number };

export type TemplateProblemCode =
  | 'unbalanced_braces'
  | 'empty_field'
  | 'invalid_field'
  | 'unknown_field'
  | 'unknown_condition'
  | 'unbalanced_condition'
  | 'unbalanced_bold'
  | 'missing_subject'
  | 'unexpected_subject'
  | 'field_not_allowed'
  | 'table_not_alone'
  | 'missing_table'
  | 'bold_not_allowed'
  | 'sms_too_long'
  | 'empty_body'
  | 'subject_too_long';

export interface TemplateProblem {
  field: 'subject' | 'body';
  code: TemplateProblemCode;
  message: string;
}

export interface ParsedPart {
  tokens: Token[];
  problems: TemplateProblem[];
}

const NAME_RE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/i;

export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source[i] === '\n') line++;
  return line;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The known name closest to `name`: same letters, then a name it is a part of, then the smallest edit distance. */
export function closestName(name: string, candidates: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const n = norm(name);
  const exact = candidates.find((c) => norm(c) === n);
  if (exact) return exact;
  let best = candidates[0];
  let bestScore = Infinity;
  for (const c of candidates) {
    const lower = name.toLowerCase();
    const partOf = c.startsWith(`${lower}.`) || c.endsWith(`.${lower}`);
    const score = partOf ? 0.5 : Math.min(levenshtein(lower, c), levenshtein(n, norm(c)));
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

const FIELD_NAMES = MERGE_FIELDS.map((f) => f.name);
const CONDITION_NAMES = MERGE_CONDITIONS.map((c) => c.name);

/** Tokenizes one part (subject or body) and reports its syntax problems. */
export function parsePart(source: string, part: 'subject' | 'body'): ParsedPart {
  const tokens: Token[] = [];
  const problems: TemplateProblem[] = [];
  const problem = (code: TemplateProblemCode, message: string) => problems.push({ field: part, code, message });
  const at = (offset: number) => `line ${lineOf(source, offset)}`;
  let text = '';
  let textStart = 0;
  const flush = () => {
    if (text) tokens.push({ kind: 'text', value: text, offset: textStart });
    text = '';
  };
  let ifOpen: { offset: number; hasElse: boolean } | null = null;
  let i = 0;
  while (i < source.length) {
    if (source.startsWith('{{', i)) {
      const close = source.indexOf('}}', i + 2);
      const nextOpen = source.indexOf('{{', i + 2);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        problem('unbalanced_braces', `"{{" at ${at(i)} is not closed by "}}"`);
        if (!text) textStart = i;
        text += '{{';
        i += 2;
        continue;
      }
      flush();
      const raw = source.slice(i + 2, close);
      const inner = raw.trim();
      const offset = i;
      i = close + 2;
      if (inner.startsWith('{') || inner.endsWith('}') || source.startsWith('}', i)) {
        problem('unbalanced_braces', `Unbalanced braces in "{{${raw}}}" at ${at(offset)}`);
        if (source.startsWith('}', i)) i++;
        continue;
      }
      if (!inner) {
        problem('empty_field', `Empty merge field "{{${raw}}}" at ${at(offset)}`);
        continue;
      }
      const directive = /^#\s*if\s+(.*)$/i.exec(inner);
      if (directive) {
        const condition = directive[1].trim();
        if (ifOpen)
          problem('unbalanced_condition', `"{{#if}}" at ${at(offset)} is inside another "{{#if}}": conditions do not nest`);
        else if (!isMergeCondition(condition)) {
          problem(
            'unknown_condition',
            `Unknown condition "${condition}" at ${at(offset)}; did you mean "${closestName(condition, CONDITION_NAMES)}"?`,
          );
        }
        ifOpen = { offset, hasElse: false };
        tokens.push({ kind: 'if', condition, offset });
        continue;
      }
      if (/^#?\s*else$/i.test(inner)) {
        if (!ifOpen) problem('unbalanced_condition', `"{{else}}" at ${at(offset)} has no "{{#if}}"`);
        else if (ifOpen.hasElse) problem('unbalanced_condition', `Second "{{else}}" at ${at(offset)}`);
        else ifOpen.hasElse = true;
        tokens.push({ kind: 'else', offset });
        continue;
      }
      if (/^\/\s*if$/i.test(inner)) {
        if (!ifOpen) problem('unbalanced_condition', `"{{/if}}" at ${at(offset)} has no "{{#if}}"`);
        ifOpen = null;
        tokens.push({ kind: 'endif', offset });
        continue;
      }
      if (inner.startsWith('#') || inner.startsWith('/')) {
        problem('invalid_field', `Unknown directive "{{${raw}}}" at ${at(offset)}: use {{#if name}}, {{else}} and {{/if}}`);
        continue;
      }
      if (!NAME_RE.test(inner)) {
        problem(
          'invalid_field',
          `"{{${raw}}}" at ${at(offset)} is not a merge field name; did you mean "{{ ${closestName(inner, FIELD_NAMES)} }}"?`,
        );
        continue;
      }
      if (!mergeField(inner)) {
        problem(
          'unknown_field',
          `Unknown merge field "{{ ${inner} }}" at ${at(offset)}; did you mean "{{ ${closestName(inner, FIELD_NAMES)} }}"?`,
        );
        continue;
      }
      tokens.push({ kind: 'field', name: inner, offset });
      continue;
    }
    if (source.startsWith('}}', i)) {
      problem('unbalanced_braces', `"}}" at ${at(i)} has no opening "{{"`);
      if (!text) textStart = i;
      text += '}}';
      i += 2;
      continue;
    }
    if (source.startsWith('**', i)) {
      flush();
      tokens.push({ kind: 'bold', offset: i });
      i += 2;
      continue;
    }
    if (source[i] === '{') {
      const single = /^\{\s*([a-z][a-z0-9_.]*)\s*\}/i.exec(source.slice(i));
      if (single) {
        problem('unbalanced_braces', `"${single[0]}" at ${at(i)} has single braces: write "{{ ${single[1]} }}"`);
      }
    }
    if (!text) textStart = i;
    text += source[i];
    i++;
  }
  flush();
  if (ifOpen) problem('unbalanced_condition', `"{{#if}}" at ${at(ifOpen.offset)} is not closed by "{{/if}}"`);
  return { tokens, problems };
}
