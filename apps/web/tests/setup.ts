import { afterEach, beforeEach, vi } from 'vitest';
import { setLocale } from '../src/i18n';

// jsdom has no matchMedia; some PrimeVue components query it.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
}

beforeEach(() => {
  window.localStorage.clear();
  setLocale('fr', false);
});

afterEach(() => {
  vi.unstubAllGlobals();
});
