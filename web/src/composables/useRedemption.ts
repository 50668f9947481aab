// 惠企通 policy redemptions for a month, by region and department (RedemptionService).
import { toValue, type MaybeRefOrGetter } from 'vue';
import { redemptionClient } from '@/api/clients';
import type { RedemptionSummaryResponse } from '@/gen/yingshang/indicator/v1/redemption_pb';
import { useLoad } from './useAsync';

export function useRedemptionSummary(month: MaybeRefOrGetter<string>, countyCode: MaybeRefOrGetter<string>) {
  return useLoad<RedemptionSummaryResponse, string[]>(
    () => redemptionClient.getRedemptionSummary({ month: toValue(month), countyCode: toValue(countyCode) }),
    () => [toValue(month), toValue(countyCode)],
    { forbiddenPage: true, ready: ([m]) => !!m },
  );
}
