// Where a page goes when the server says no: the 403 page for permission_denied, the login page
// once the session is gone. The router registers itself here (no import cycle with the views).
import type { Router } from 'vue-router';

let router: Router | undefined;

export function bindRouter(r: Router): void {
  router = r;
}

export function goForbidden(): void {
  if (!router) return;
  const from = router.currentRoute.value.fullPath;
  void router.replace({ name: 'forbidden', query: { from } });
}

export function goLogin(): void {
  if (!router) return;
  const current = router.currentRoute.value;
  if (current.meta.public) return;
  void router.replace({ name: 'login', query: { redirect: current.fullPath } });
}
