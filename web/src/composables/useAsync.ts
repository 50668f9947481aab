// Loading state for one call (or a few together): the latest run wins, errors become words, and a
// permission_denied answer either sends the page to the 403 page (the page's main data) or marks
// the panel as not allowed (a part of a page).
import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref, type ShallowRef } from 'vue';
import { errorMessage, isPermissionDenied, isUnauthenticated } from '@/api/errors';
import { goForbidden } from '@/api/navigation';

/** What a panel shows of a call: loading, an error, not allowed; and how to try again. */
export interface AsyncStatus {
  loading: Ref<boolean>;
  error: Ref<string>;
  denied: Ref<boolean>;
  run: () => Promise<void>;
}

export interface AsyncState<T> extends AsyncStatus {
  data: ShallowRef<T | undefined>;
}

export interface AsyncOptions {
  /** permission_denied sends the whole page to /forbidden (the page's own data). */
  forbiddenPage?: boolean;
}

export function useAsync<T>(load: () => Promise<T>, options: AsyncOptions = {}): AsyncState<T> {
  const data = shallowRef<T>();
  const loading = ref(false);
  const error = ref('');
  const denied = ref(false);
  let generation = 0;

  async function run(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    error.value = '';
    denied.value = false;
    try {
      const value = await load();
      if (mine === generation) data.value = value;
    } catch (e) {
      if (mine !== generation) return;
      data.value = undefined;
      if (isPermissionDenied(e)) {
        denied.value = true;
        if (options.forbiddenPage) goForbidden();
      } else if (!isUnauthenticated(e)) {
        error.value = errorMessage(e);
      }
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  return { data, loading, error, denied, run };
}

/** Every value given: a non-empty string, a positive number, true. */
function given(value: unknown): boolean {
  return Array.isArray(value) ? value.every(given) : typeof value === 'number' ? value > 0 : Boolean(value);
}

export interface LoadOptions<I> extends AsyncOptions {
  /** Whether the inputs suffice to call; by default every one is given. */
  ready?: (inputs: I) => boolean;
}

/**
 * useAsync that runs at once and again whenever `inputs` change, once they suffice (a month picked,
 * a unit named, …): the shape of every composable that loads a page's data.
 */
export function useLoad<T, I>(
  load: () => Promise<T>,
  inputs: MaybeRefOrGetter<I>,
  options: LoadOptions<I> = {},
): AsyncState<T> {
  const state = useAsync(load, options);
  const ready = options.ready ?? given;
  watch(
    () => toValue(inputs),
    (v) => {
      if (ready(v)) void state.run();
    },
    { immediate: true },
  );
  return state;
}
