// Routes, each page loaded when first visited (the initial bundle stays small). Pages follow the
// role: the guard asks WhoAmI once, sends the logged-out to /login and each role to its home; the
// server decides every call, and a permission_denied answer shows the 403 page.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { MethodKey } from '@/api/methodKeys';
import { bindRouter } from '@/api/navigation';
import { m } from '@/messages';
import type { RoleKind } from '@/logic/roles';

declare module 'vue-router' {
  interface RouteMeta {
    /** No login needed (login, the hall screen, the 403 page). */
    public?: boolean;
    /** Without the menu and header. */
    bare?: boolean;
    title?: string;
    /** Roles that may open the page (client side only; the server decides every call). */
    roles?: RoleKind[];
    /** Methods the page needs; a role whose allow-list lacks them sees the 403 page. */
    requires?: MethodKey[];
  }
}

const Layout = () => import('@/components/AppLayout.vue');

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, bare: true, title: m.login.title },
  },
  {
    path: '/hall',
    name: 'hall',
    component: () => import('@/views/HallView.vue'),
    meta: { public: true, bare: true, title: m.menu.hall },
  },
  {
    path: '/',
    component: Layout,
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('@/views/DashboardView.vue'),
        meta: { title: m.menu.dashboard, roles: ['office', 'viewer'], requires: ['getScorecard'] },
      },
      {
        path: 'indicators/:code',
        name: 'indicator',
        component: () => import('@/views/IndicatorView.vue'),
        meta: { title: m.menu.indicators, requires: ['getIndicatorRanking'] },
      },
      {
        path: 'counties/:code',
        name: 'county',
        component: () => import('@/views/CountyView.vue'),
        meta: { title: m.menu.counties, roles: ['office', 'viewer', 'county', 'leader'], requires: ['getScorecard'] },
      },
      {
        path: 'unit',
        name: 'unit',
        component: () => import('@/views/UnitView.vue'),
        meta: { title: m.menu.unit, roles: ['office', 'viewer', 'unit', 'county', 'leader'], requires: ['listCases'] },
      },
      {
        path: 'cases/:id',
        name: 'case',
        component: () => import('@/views/CaseView.vue'),
        meta: { title: m.caseDetail.title(''), requires: ['getCase'] },
      },
      {
        path: 'leader',
        name: 'leader',
        component: () => import('@/views/LeaderView.vue'),
        meta: { title: m.menu.leader, roles: ['office', 'viewer', 'leader'], requires: ['getScorecard'] },
      },
      {
        path: 'duty',
        name: 'duty',
        component: () => import('@/views/DutyView.vue'),
        meta: { title: m.menu.duty, roles: ['office', 'viewer', 'centre', 'unit'], requires: ['getRoster'] },
      },
      {
        path: 'huiqitong',
        name: 'huiqitong',
        component: () => import('@/views/HuiqitongView.vue'),
        meta: { title: m.menu.huiqitong, requires: ['getRedemptionSummary'] },
      },
      {
        path: 'inbox',
        name: 'inbox',
        component: () => import('@/views/InboxView.vue'),
        meta: { title: m.menu.inbox, requires: ['listInbox'] },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/ForbiddenView.vue'),
        meta: { title: m.forbidden.title },
      },
      {
        path: ':rest(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { title: m.app.notFound },
      },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

// The guard needs the generated clients (WhoAmI): it loads with the first page that needs a login,
// not with the initial bundle.
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const { guard } = await import('@/api/guard');
  return guard(to);
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · ${m.app.title}` : m.app.title;
});

bindRouter(router);
