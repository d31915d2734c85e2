import { ApiError } from '../../api/problem';
import { t } from '../../i18n';

/**
 * The field errors of a 400 problem+json (`errors[].field` such as `steps[1].offsetDays`), by
 * field path, so a form shows each message under its own input. Several messages for one
 * field are joined. Empty when the error is not a validation error.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return {};
  const out: Record<string, string> = {};
  for (const e of error.problem?.errors ?? []) {
    if (!e.field) continue;
    out[e.field] = out[e.field] ? `${out[e.field]} ${e.message}` : e.message;
  }
  return out;
}

/** The messages left for fields no input shows (e.g. `steps` itself, or an unknown path). */
export function otherErrors(errors: Record<string, string>, shown: (field: string) => boolean): string[] {
  return Object.entries(errors)
    .filter(([field]) => !shown(field))
    .map(([field, message]) => t('errors.fieldLine', { field, message }));
}
