// A form's submission: what is missing is said before any call, the call's error in words after it,
// and the form is busy meanwhile.
import { ref } from 'vue';
import { errorMessage } from '@/api/errors';

/**
 * `problem` names what the form lacks ("" when it may go); `action` sends it and tells its success.
 */
export function useSubmit(problem: () => string, action: () => Promise<void>) {
  const busy = ref(false);
  const error = ref('');

  async function submit(): Promise<void> {
    error.value = problem();
    if (error.value) return;
    busy.value = true;
    try {
      await action();
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, submit };
}
