// Who is logged in (ConsoleService.WhoAmI), shared by every page. The gateway keeps the session
// (an HttpOnly cookie): the console only asks.
import { computed, reactive, readonly } from 'vue';
import type { DescMethod } from '@bufbuild/protobuf';
import { consoleClient } from '@/api/clients';
import { methodPath } from '@/api/methodPath';
import { isUnauthenticated } from '@/api/errors';
import type { User } from '@/gen/yingshang/gateway/v1/gateway_pb';
import { homePath, parseRole, recipientId, type RoleKind } from '@/logic/roles';

interface SessionState {
  loaded: boolean;
  user: User | null;
  allowedMethods: string[];
  unit: string;
  countyCode: string;
  leader: string;
}

const state = reactive<SessionState>({
  loaded: false,
  user: null,
  allowedMethods: [],
  unit: '',
  countyCode: '',
  leader: '',
});

let pending: Promise<boolean> | null = null;

function clear(): void {
  state.user = null;
  state.allowedMethods = [];
  state.unit = '';
  state.countyCode = '';
  state.leader = '';
}

/** Asks WhoAmI (once, unless `force`); false when nobody is logged in. */
export function loadSession(force = false): Promise<boolean> {
  if (state.loaded && !force) return Promise.resolve(state.user !== null);
  if (pending && !force) return pending;
  pending = (async () => {
    try {
      const who = await consoleClient.whoAmI({});
      state.user = who.user ?? null;
      state.allowedMethods = [...who.allowedMethods];
      const role = parseRole(who.user?.role ?? '');
      state.unit = who.unit || (role.kind === 'unit' ? role.subject : '');
      state.countyCode = who.countyCode || (role.kind === 'county' ? role.subject : '');
      state.leader = who.leader || (role.kind === 'leader' ? role.subject : '');
      return state.user !== null;
    } catch (e) {
      if (!isUnauthenticated(e)) throw e;
      clear();
      return false;
    } finally {
      state.loaded = true;
      pending = null;
    }
  })();
  return pending;
}

export async function login(loginName: string, password: string): Promise<void> {
  await consoleClient.login({ login: loginName, password });
  await loadSession(true);
}

export async function logout(): Promise<void> {
  try {
    await consoleClient.logout({});
  } finally {
    clear();
  }
}

/** The session is gone (a call answered unauthenticated). */
export function forgetSession(): void {
  clear();
}

const allowed = computed(() => new Set(state.allowedMethods));

/**
 * Whether the gateway lets this person call `method`. An empty list means the gateway named none:
 * the console then tries, and the server decides.
 */
export function can(method: DescMethod): boolean {
  return allowed.value.size === 0 || allowed.value.has(methodPath(method));
}

export function useSession() {
  const role = computed(() => state.user?.role ?? '');
  const roleKind = computed<RoleKind>(() => parseRole(role.value).kind);
  return {
    session: readonly(state),
    role,
    roleKind,
    displayName: computed(() => state.user?.displayName || state.user?.login || ''),
    recipient: computed(() => recipientId(role.value)),
    home: computed(() => homePath(role.value, state.countyCode)),
    can,
  };
}
