// Routes, each page loaded when first visited (the initial bundle stays small). Pages follow the
// role: the guard asks WhoAmI once, sends the logged-out to /login and each role to its home; the
// server decides every call, and a permission_denied answer shows the 403 page.
import { createRouter, createWebHistory, type RouteComponent, type RouteMeta, type RouteRecordRaw } from 'vue-router';
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

/** A page behind the login, loaded when first visited. */
function page(path: string, name: string, component: () => Promise<RouteComponent>, meta: RouteMeta): RouteRecordRaw {
  return { path, name, component, meta };
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true, bare: true, title: m.login.title } },
  { path: '/hall', name: 'hall', component: () => import('@/views/HallView.vue'), meta: { public: true, bare: true, title: m.menu.hall } },
  {
    path: '/',
    component: Layout,
    children: [
      page('', 'dashboard', () => import('@/views/DashboardView.vue'), {
        title: m.menu.dashboard, roles: ['office', 'viewer'], requires: ['getScorecard'],
      }),
      page('indicators/:code', 'indicator', () => import('@/views/IndicatorView.vue'), {
        title: m.menu.indicators, requires: ['getIndicatorRanking'],
      }),
      page('counties/:code', 'county', () => import('@/views/CountyView.vue'), {
        title: m.menu.counties, roles: ['office', 'viewer', 'county', 'leader'], requires: ['getScorecard'],
      }),
      page('unit', 'unit', () => import('@/views/UnitView.vue'), {
        title: m.menu.unit, roles: ['office', 'viewer', 'unit', 'county', 'leader'], requires: ['listCases'],
      }),
      page('cases/:id', 'case', () => import('@/views/CaseView.vue'), { title: m.caseDetail.title(''), requires: ['getCase'] }),
      page('leader', 'leader', () => import('@/views/LeaderView.vue'), {
        title: m.menu.leader, roles: ['office', 'viewer', 'leader'], requires: ['getScorecard'],
      }),
      page('duty', 'duty', () => import('@/views/DutyView.vue'), {
        title: m.menu.duty, roles: ['office', 'viewer', 'centre', 'unit'], requires: ['getRoster'],
      }),
      page('huiqitong', 'huiqitong', () => import('@/views/HuiqitongView.vue'), {
        title: m.menu.huiqitong, requires: ['getRedemptionSummary'],
      }),
      page('documents', 'documents', () => import('@/views/DocumentsView.vue'), {
        title: m.menu.documents, roles: ['office', 'viewer', 'leader', 'unit', 'county'], requires: ['listDocuments'],
      }),
      // A unit or a county reads its extracts from the list only (no GetDocument).
      page('documents/:id', 'document', () => import('@/views/DocumentView.vue'), {
        title: m.menu.documents, roles: ['office', 'viewer', 'leader'], requires: ['getDocument'],
      }),
      page('inbox', 'inbox', () => import('@/views/InboxView.vue'), { title: m.menu.inbox, requires: ['listInbox'] }),
      page('forbidden', 'forbidden', () => import('@/views/ForbiddenView.vue'), { title: m.forbidden.title }),
      page(':rest(.*)*', 'not-found', () => import('@/views/NotFoundView.vue'), { title: m.app.notFound }),
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
