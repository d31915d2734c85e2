import { describe, expect, it } from 'vitest';
import { ApiError, errorText, readableError, toastError } from '../src/api/problem';
import { setLocale } from '../src/i18n';

const problem = (status: number, extra: Record<string, unknown> = {}) =>
  new ApiError(status, { type: 'about:blank', title: 'Title', status, ...extra });

describe('readableError', () => {
  it('reads a 401 on sign-in as bad credentials, elsewhere as an expired session', () => {
    expect(readableError(problem(401), 'login').summary).toBe('Email ou mot de passe incorrect.');
    expect(readableError(problem(401)).summary).toBe('Votre session a expiré. Reconnectez-vous.');
  });

  it('maps 403, 404 and 429 to fixed, translated sentences', () => {
    expect(readableError(problem(403)).summary).toBe("Vous n'avez pas les droits nécessaires pour cette action.");
    expect(readableError(problem(404)).summary).toBe("L'élément demandé est introuvable.");
    expect(readableError(problem(429), 'login').summary).toBe('Trop de tentatives. Réessayez dans quelques minutes.');
  });

  it('lists each invalid field with a translated label for 400 and 422', () => {
    const error = problem(422, {
      errors: [
        { field: 'email', message: 'must be an email' },
        { field: 'scopes[0]', message: 'unknown scope' },
        { field: 'customField', message: 'too long' },
      ],
    });
    expect(readableError(error)).toEqual({
      status: 422,
      summary: 'Certains champs sont invalides.',
      details: ['E-mail : must be an email', 'Droits : unknown scope', 'customField : too long'],
    });
    setLocale('en', false);
    expect(readableError(problem(400, { errors: [{ field: 'email', message: 'must be an email' }] })).details).toEqual([
      'Email: must be an email',
    ]);
  });

  it('falls back to the detail of a 400 without field errors', () => {
    expect(readableError(problem(400, { detail: 'expiresAt must be in the future' })).summary).toBe(
      'expiresAt must be in the future',
    );
  });

  it('treats a thrown fetch error and gateway errors as an unreachable server', () => {
    expect(readableError(new TypeError('Failed to fetch'))).toEqual({
      status: null,
      summary: 'Serveur injoignable. Vérifiez votre connexion ou réessayez dans un instant.',
      details: [],
    });
    expect(readableError(new ApiError(502, '<html>Bad gateway</html>')).summary).toContain('Serveur injoignable');
  });

  it('quotes the request id of a server error for support', () => {
    const text = errorText(problem(500, { requestId: 'req-42' }));
    expect(text).toBe('Erreur inattendue du serveur. Réessayez plus tard.\nRéférence : req-42');
  });

  it('follows the UI language', () => {
    setLocale('en', false);
    expect(readableError(problem(401), 'login').summary).toBe('Incorrect email or password.');
    expect(readableError(new TypeError('x')).summary).toBe('Server unreachable. Check your connection or try again in a moment.');
  });

  it('survives bodies that are not problem+json', () => {
    const error = new ApiError(418, 'plain text');
    expect(error.problem).toBeNull();
    expect(readableError(error).summary).toBe("Une erreur inattendue s'est produite.");
  });
});

describe('toastError', () => {
  it('puts the summary in the toast and field lines in its detail', () => {
    const added: unknown[] = [];
    toastError({ add: (m) => added.push(m) }, problem(422, { errors: [{ field: 'name', message: 'required' }] }));
    expect(added).toEqual([
      { severity: 'error', summary: 'Certains champs sont invalides.', detail: 'Nom : required', life: 8000 },
    ]);
  });
});
