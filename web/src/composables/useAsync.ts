// Loading state for one call (or a few together): the latest run wins, errors become words, and a
// permission_denied answer either sends the page to the 403 page (the page's main data) or marks
// the panel as not allowed (a part of a page).
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { errorMessage, isPermissionDenied, isUnauthenticated } from '@/api/errors';
import { goForbidden } from '@/api/navigation';

export interface AsyncState<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string>;
  denied: Ref<boolean>;
  run: () => Promise<void>;
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
