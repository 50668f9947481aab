// The week's duty roster (DutyService.GetRoster), optionally refreshing itself (the hall screen).
import { onBeforeUnmount, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { dutyClient } from '@/api/clients';
import type { Roster } from '@/gen/yingshang/duty/v1/duty_pb';
import { useAsync } from './useAsync';

export function useRoster(weekOf: MaybeRefOrGetter<string>, refreshMs = 0) {
  const state = useAsync<Roster>(() => dutyClient.getRoster({ weekOf: toValue(weekOf) }));
  const lastRefresh = ref<Date>();

  async function refresh(): Promise<void> {
    await state.run();
    if (!state.error.value && !state.denied.value) lastRefresh.value = new Date();
  }

  watch(
    () => toValue(weekOf),
    (w) => {
      if (w) void refresh();
    },
    { immediate: true },
  );

  if (refreshMs > 0) {
    const timer = window.setInterval(() => void refresh(), refreshMs);
    onBeforeUnmount(() => window.clearInterval(timer));
  }
  return { ...state, refresh, lastRefresh };
}
