import type { App } from 'vue';
import type { Pinia } from 'pinia';
import type { Router } from 'vue-router';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import ConfirmationService from 'primevue/confirmationservice';
import Tooltip from 'primevue/tooltip';
import { i18n, currentLocale } from './i18n';
import { primeVueLocales } from './i18n/primevue-locales';
import { EncoursPreset } from './theme';

/**
 * Everything the app installs, in one place so component tests can mount with the same set.
 * PrimeVue components are imported where they are used (tree-shaken, typed in templates).
 */
export function installPlugins(app: App, pinia: Pinia, router?: Router): void {
  app.use(pinia);
  app.use(i18n);
  app.use(PrimeVue, {
    theme: {
      preset: EncoursPreset,
      options: { darkModeSelector: false, cssLayer: false },
    },
    locale: { ...primeVueLocales[currentLocale()] },
  });
  app.use(ToastService);
  app.use(ConfirmationService);
  app.directive('tooltip', Tooltip);
  if (router) app.use(router);
}
