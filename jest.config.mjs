// Server-side tests: `unit` (pure rules and services) and `api` (HTTP tests on a real PostgreSQL).
import { readFileSync } from 'node:fs';

const swc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

/** Workspace packages resolve to their TypeScript sources in tests. */
const packages = {
  '@encours/api-core': 'libs/api/core/src/index.ts',
  '@encours/domain': 'libs/shared/domain/src/index.ts',
  '@encours/receivables': 'libs/api/receivables/src/index.ts',
  '@encours/scoring': 'libs/api/scoring/src/index.ts',
  '@encours/dunning': 'libs/api/dunning/src/index.ts',
};

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    ...Object.fromEntries(Object.entries(packages).map(([name, path]) => [`^${name}$`, `<rootDir>/${path}`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: '.',
};

export const PACKAGES = packages;

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/src/**/*.spec.ts', '<rootDir>/apps/api/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'api',
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/apps/api/test/support/global-teardown.mjs',
    },
  ],
  testTimeout: 60_000,
};
