import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Problem, ProblemFieldError } from '@encours/api-core';

const DESCRIPTION = `The REST API of Encours, the open credit-management platform.

**Authentication.** Users sign in with \`POST /api/v1/auth/login\` and send the access token as
\`Authorization: Bearer <token>\`. Integrators use an API key created by an admin, sent as
\`Authorization: Bearer enc_...\` or \`X-API-Key: enc_...\`; a key only reaches the routes whose
scopes it carries (\`x-scopes\` on each operation). \`x-roles\` lists the user roles a route accepts.

**Errors** are RFC 9457 \`application/problem+json\` with \`errors[]\` naming each field.
Every response carries an \`X-Request-Id\` header; quote it to support.

**Lists** take \`page\` (from 1), \`pageSize\` (1-200, default 50), \`sort\` (\`-field\` for descending) and \`q\`.
Amounts are decimal strings in the document's currency; calendar dates are \`YYYY-MM-DD\`.`;

/** The OpenAPI 3 document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Encours API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .setContact('Encours', '', 'support@encours.test')
    .addServer('http://localhost:3000', 'Local instance')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key', description: 'Access token or API key' },
      'bearer',
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key (enc_...)' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [Problem, ProblemFieldError],
    operationIdFactory: (controllerKey: string, methodKey: string) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  // Errors are problem+json, not application/json.
  for (const path of Object.values(document.paths)) {
    for (const op of Object.values(path) as { responses?: Record<string, { content?: Record<string, unknown> }> }[]) {
      for (const [status, res] of Object.entries(op?.responses ?? {})) {
        if (Number(status) >= 400 && res.content?.['application/json']) {
          res.content = { 'application/problem+json': res.content['application/json'] };
        }
      }
    }
  }
  return document;
}
