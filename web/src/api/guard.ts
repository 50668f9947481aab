// The router's guard for pages behind the login: asks WhoAmI once, sends the logged-out to /login
// and each role to its home; pages a role may not open show the 403 page. The server decides every
// call all the same.
import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import { methods, onUnauthenticated } from './clients';
import { goLogin } from './navigation';
import { can, forgetSession, loadSession, useSession } from '@/composables/useSession';

onUnauthenticated(() => {
  forgetSession();
  goLogin();
});

export async function guard(to: RouteLocationNormalized): Promise<true | RouteLocationRaw> {
  let loggedIn = false;
  try {
    loggedIn = await loadSession();
  } catch {
    // The gateway did not answer: the login page says so when it is tried.
  }
  if (!loggedIn) return { name: 'login', query: { redirect: to.fullPath } };
  const { roleKind, home, session } = useSession();
  if (to.name === 'dashboard' && roleKind.value !== 'office' && roleKind.value !== 'viewer') {
    return home.value === '/' ? true : home.value;
  }
  // A county reads its own county's page (its own ranks and cases).
  if (to.name === 'county' && roleKind.value === 'county' && to.params.code !== session.countyCode) {
    return { name: 'forbidden', query: { from: to.fullPath } };
  }
  const roleDenied = to.meta.roles !== undefined && !to.meta.roles.includes(roleKind.value);
  const methodDenied = (to.meta.requires ?? []).some((key) => !can(methods[key]));
  if (roleDenied || methodDenied) return { name: 'forbidden', query: { from: to.fullPath } };
  return true;
}
