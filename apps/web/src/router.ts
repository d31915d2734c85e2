import {
  createRouter,
  createWebHistory,
  type RouteLocationNormalized,
  type RouteLocationRaw,
  type Router,
  type RouterHistory,
  type RouteRecordRaw,
} from 'vue-router';
import type { Pinia } from 'pinia';
import { DUNNING_ROLES, WORKLIST_ROLES } from './api/dunning';
import { CREDIT_CHECK_ROLES, RISK_DECIDERS, RISK_ROLES, SALES_ROLES } from './api/scoring';
import { IMPORT_ROLES, type Role } from './api/types';
import { useAuthStore } from './features/auth/store';
import { t } from './i18n';
import { notify } from './notify';
import { safeRedirect } from './redirect';
import AppLayout from './features/layout/components/AppLayout.vue';
import LoginView from './features/auth/views/LoginView.vue';
import DashboardView from './features/dashboard/views/DashboardView.vue';
import NotFoundView from './features/errors/views/NotFoundView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Only for role `admin`. */
    requiresAdmin?: boolean;
    /** Only for these roles. */
    roles?: readonly Role[];
    /** i18n key of the page title. */
    titleKey?: string;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, titleKey: 'login.title' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'dashboard', component: DashboardView, meta: { titleKey: 'dashboard.title' } },
      {
        path: 'receivables',
        name: 'receivables',
        component: () => import('./features/receivables/views/ReceivablesView.vue'),
        meta: { titleKey: 'receivables.title' },
      },
      {
        path: 'customers',
        name: 'customers',
        component: () => import('./features/customers/views/CustomersView.vue'),
        meta: { titleKey: 'customers.title' },
      },
      {
        path: 'customers/:id',
        name: 'customer',
        component: () => import('./features/customers/views/CustomerView.vue'),
        props: true,
        meta: { titleKey: 'customer.title' },
      },
      {
        path: 'imports',
        name: 'imports',
        component: () => import('./features/imports/views/ImportsView.vue'),
        meta: { roles: IMPORT_ROLES, titleKey: 'imports.title' },
      },
      {
        path: 'dunning',
        redirect: { name: 'dunning-worklist' },
      },
      {
        path: 'dunning/worklist',
        name: 'dunning-worklist',
        component: () => import('./features/dunning/views/WorklistView.vue'),
        meta: { roles: WORKLIST_ROLES, titleKey: 'worklist.title' },
      },
      {
        path: 'dunning/runs',
        name: 'dunning-runs',
        component: () => import('./features/dunning/views/RunsView.vue'),
        meta: { roles: DUNNING_ROLES, titleKey: 'runs.title' },
      },
      {
        path: 'dunning/scenarios',
        name: 'dunning-scenarios',
        component: () => import('./features/dunning/views/ScenariosView.vue'),
        meta: { roles: DUNNING_ROLES, titleKey: 'scenarios.title' },
      },
      {
        path: 'dunning/scenarios/:id',
        name: 'dunning-scenario',
        component: () => import('./features/dunning/views/ScenarioEditorView.vue'),
        props: true,
        meta: { roles: DUNNING_ROLES, titleKey: 'scenarios.editTitle' },
      },
      {
        path: 'dunning/templates',
        name: 'dunning-templates',
        component: () => import('./features/dunning/views/TemplatesView.vue'),
        meta: { roles: DUNNING_ROLES, titleKey: 'templates.title' },
      },
      {
        path: 'dunning/templates/:id',
        name: 'dunning-template',
        component: () => import('./features/dunning/views/TemplateEditorView.vue'),
        props: true,
        meta: { roles: DUNNING_ROLES, titleKey: 'templates.editTitle' },
      },
      {
        path: 'dunning/settings',
        name: 'dunning-settings',
        component: () => import('./features/dunning/views/DunningSettingsView.vue'),
        meta: { requiresAdmin: true, titleKey: 'dunningSettings.title' },
      },
      {
        path: 'risk',
        name: 'risk',
        component: () => import('./features/risk/views/RiskView.vue'),
        meta: { roles: RISK_ROLES, titleKey: 'risk.title' },
      },
      {
        path: 'risk/settings',
        name: 'risk-settings',
        component: () => import('./features/risk/views/ScoringSettingsView.vue'),
        meta: { roles: RISK_DECIDERS, titleKey: 'risk.settings.title' },
      },
      {
        path: 'credit-checks',
        name: 'credit-checks',
        component: () => import('./features/risk/views/CreditChecksView.vue'),
        meta: { roles: CREDIT_CHECK_ROLES, titleKey: 'creditChecks.title' },
      },
      {
        path: 'sales',
        name: 'sales',
        component: () => import('./features/risk/views/SalesView.vue'),
        meta: { roles: SALES_ROLES, titleKey: 'sales.title' },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('./features/users/views/UsersView.vue'),
        meta: { requiresAdmin: true, titleKey: 'users.title' },
      },
      {
        path: 'admin/api-keys',
        name: 'api-keys',
        component: () => import('./features/api-keys/views/ApiKeysView.vue'),
        meta: { requiresAdmin: true, titleKey: 'apiKeys.title' },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { public: true, titleKey: 'notFound.title' } },
];

/** The access rules, as a pure decision on the target route and the session. */
export async function authGuard(to: RouteLocationNormalized, pinia?: Pinia): Promise<true | RouteLocationRaw> {
  const auth = useAuthStore(pinia);
  await auth.restore();

  if (to.name === 'login') {
    return auth.isAuthenticated ? safeRedirect(to.query.redirect) : true;
  }
  if (to.meta.public) return true;
  if (!auth.isAuthenticated) {
    return { name: 'login', query: { redirect: to.fullPath } };
  }
  if (to.meta.requiresAdmin && !auth.isAdmin) {
    notify({ severity: 'warn', summary: t('errors.adminOnly') });
    return { name: 'dashboard' };
  }
  if (to.meta.roles && !to.meta.roles.includes(auth.user?.role as Role)) {
    notify({ severity: 'warn', summary: t('errors.roleOnly') });
    return { name: 'dashboard' };
  }
  return true;
}

export function installGuards(router: Router, pinia?: Pinia): void {
  router.beforeEach((to) => authGuard(to, pinia));
  router.afterEach((to) => {
    const title = to.meta.titleKey ? t(to.meta.titleKey) : '';
    document.title = title ? `${title} · Encours` : 'Encours';
  });
}

export function createAppRouter(history: RouterHistory = createWebHistory('/'), pinia?: Pinia): Router {
  const router = createRouter({ history, routes });
  installGuards(router, pinia);
  return router;
}
