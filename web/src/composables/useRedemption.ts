// 惠企通 policy redemptions for a month, by region and department (RedemptionService).
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import { redemptionClient } from '@/api/clients';
import type { RedemptionSummaryResponse } from '@/gen/yingshang/indicator/v1/redemption_pb';
import { useAsync } from './useAsync';

export function useRedemptionSummary(month: MaybeRefOrGetter<string>, countyCode: MaybeRefOrGetter<string>) {
  const state = useAsync<RedemptionSummaryResponse>(
    () => redemptionClient.getRedemptionSummary({ month: toValue(month), countyCode: toValue(countyCode) }),
    { forbiddenPage: true },
  );
  watch(
    () => [toValue(month), toValue(countyCode)] as const,
    ([m]) => {
      if (m) void state.run();
    },
    { immediate: true },
  );
  return state;
}
