/**
 * The typed client contract of the Encours API, generated from openapi.json
 * (`npm run openapi:generate`). Use with openapi-fetch: `createClient<paths>({ baseUrl })`.
 */
export type { paths, components, operations } from './schema.js';
import type { components } from './schema.js';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
