import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROLES, type Role } from '@encours/api-core';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/**
 * Reads the live OpenAPI spec and checks EVERY route, so routes added later are covered without
 * editing this file: no credentials → 401; a role not listed in `x-roles` → 403; an API key
 * without one of the route's `x-scopes` → 403; another tenant's token on tenant A's resource
 * → 404; and the positive control: an allowed caller is let through.
 */
type Schema = {
  $ref?: string;
  type?: string;
  example?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  format?: string;
  minItems?: number;
};
interface Operation {
  method: string;
  path: string;
  public: boolean;
  roles: string[];
  scopes: string[];
  body?: Schema;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('security of every route in the OpenAPI spec', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let spec: { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema> } };
  let ops: Operation[];
  let scopes: string[];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Sec A');
    b = await newTenant(t, 'Sec B');
    spec = (await request(t.http).get('/api/openapi.json').expect(200)).body;
    ops = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
        ops.push({
          method,
          path,
          public: op['x-public'] === true,
          roles: (op['x-roles'] as string[] | undefined) ?? ['*'],
          scopes: (op['x-scopes'] as string[] | undefined) ?? [],
          body: content?.['application/json']?.schema,
        });
      }
    }
    scopes = (
      await request(t.http).get('/api/v1/api-keys/scopes').set('Authorization', `Bearer ${a.adminToken}`)
    ).body.scopes.map((s: { scope: string }) => s.scope);
    // Give tenant A at least one row in every list, so that {id} routes have a real target.
    await request(t.http)
      .post('/api/v1/business-units')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ code: 'SEC', name: 'Sec' });
    await request(t.http)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ name: 'sec', scopes: [] });
  });
  afterAll(() => t.close());

  function resolve(schema: Schema | undefined): Schema | undefined {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(spec.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf)
      return schema.allOf.map(resolve).reduce<Schema>(
        (acc, s) => ({
          ...acc,
          ...s,
          properties: { ...acc.properties, ...s?.properties },
          required: [...(acc.required ?? []), ...(s?.required ?? [])],
        }),
        {},
      );
    return schema;
  }

  /** A valid body from the schema's examples (required fields only). */
  function exampleFor(schema: Schema | undefined): unknown {
    const s = resolve(schema);
    if (!s) return undefined;
    if (s.example !== undefined) return s.example;
    if (s.enum) return s.enum[0];
    if (s.type === 'array') return s.minItems ? [exampleFor(s.items)] : [];
    if (s.type === 'object' || s.properties) {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = exampleFor(s.properties?.[key]);
      return out;
    }
    if (s.type === 'integer' || s.type === 'number') return 1;
    if (s.type === 'boolean') return true;
    return s.format === 'uuid' ? randomUUID() : 'x';
  }

  /** Tenant A's id for `{id}`, from the list route above it; a random UUID for other params. */
  async function concretePath(path: string): Promise<{ url: string; ownsResource: boolean }> {
    let ownsResource = false;
    let url = path;
    const m = /^(.*?)\/\{id\}/.exec(path);
    if (m) {
      const list = m[1];
      if (!ids.has(list)) {
        const res = await request(t.http).get(list).set('Authorization', `Bearer ${a.adminToken}`);
        const items = Array.isArray(res.body) ? res.body : (res.body?.items ?? []);
        if (items[0]?.id) ids.set(list, items[0].id);
      }
      const id = ids.get(list);
      if (id) {
        url = url.replace('{id}', id);
        ownsResource = true;
      }
    }
    url = url.replace(/\{[^}]+\}/g, () => randomUUID());
    return { url, ownsResource };
  }

  function call(method: string, url: string) {
    return (request(t.http) as unknown as Record<string, (u: string) => request.Test>)[method](url);
  }

  it('finds the routes and documents access rules on each', () => {
    expect(ops.length).toBeGreaterThan(20);
    for (const op of ops) {
      if (op.public) continue;
      expect({ route: `${op.method} ${op.path}`, roles: op.roles.length > 0 }).toEqual({
        route: `${op.method} ${op.path}`,
        roles: true,
      });
    }
  });

  it('refuses calls without credentials (401) on every non-public route', async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => !o.public)) {
      const { url } = await concretePath(op.path);
      const res = await call(op.method, url).send(exampleFor(op.body) as object);
      if (res.status !== 401 || !String(res.headers['content-type']).includes('problem+json'))
        failures.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses roles not listed in x-roles (403)', async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => !o.public && !o.roles.includes('*'))) {
      const denied = ROLES.find((r) => !op.roles.includes(r));
      if (!denied) continue;
      const { url } = await concretePath(op.path);
      const res = await call(op.method, url)
        .set('Authorization', `Bearer ${await a.userToken(denied)}`)
        .send(exampleFor(op.body) as object);
      if (res.status !== 403) failures.push(`${op.method} ${op.path} as ${denied} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses API keys without one of the route scopes (403)', async () => {
    const keys = new Map<string, string>();
    const failures: string[] = [];
    for (const op of ops.filter((o) => !o.public)) {
      const other = scopes.find((s) => !op.scopes.includes(s))!;
      if (!keys.has(other)) keys.set(other, await a.apiKey([other]));
      const { url } = await concretePath(op.path);
      const res = await call(op.method, url)
        .set('X-API-Key', keys.get(other)!)
        .send(exampleFor(op.body) as object);
      if (res.status !== 403) failures.push(`${op.method} ${op.path} with key [${other}] → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 404 to another tenant's token on tenant A's resources", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const op of ops.filter((o) => !o.public && o.path.includes('{id}'))) {
      const { url, ownsResource } = await concretePath(op.path);
      if (!ownsResource) continue;
      const role = (op.roles.includes('*') ? 'admin' : op.roles[0]) as Role;
      const res = await call(op.method, url)
        .set('Authorization', `Bearer ${await b.userToken(role)}`)
        .send(exampleFor(op.body) as object);
      checked++;
      if (res.status !== 404) failures.push(`${op.method} ${url} as tenant B ${role} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(3);
  });

  it('lets allowed callers through on read routes (positive control)', async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => !o.public && o.method === 'get')) {
      const { url } = await concretePath(op.path);
      const role = (op.roles.includes('*') ? 'viewer' : op.roles[0]) as Role;
      const res = await call('get', url).set('Authorization', `Bearer ${await a.userToken(role)}`);
      if ([401, 403].includes(res.status)) failures.push(`${op.method} ${op.path} as ${role} → ${res.status}`);
      if (op.scopes.length) {
        const key = await a.apiKey(op.scopes);
        const byKey = await call('get', url).set('X-API-Key', key);
        if ([401, 403].includes(byKey.status)) failures.push(`${op.method} ${op.path} with key ${op.scopes} → ${byKey.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
