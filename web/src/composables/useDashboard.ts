// The office's month: alerts (ListAlerts), 考核奖惩 (ListConsequences), cases by unit (GetStats and
// the overdue cases with their ladder step, ListCases) and the year's goals (GetGoals).
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import { casesClient, rankingClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import type { Goals, ListConsequencesResponse } from '@/gen/yingshang/ranking/v1/query_pb';
import type { RankingAlert } from '@/gen/yingshang/ranking/v1/ranking_pb';
import type { Case, StatsResponse } from '@/gen/yingshang/rectification/v1/rectification_pb';
import { periodYear } from '@/time';
import { useAsync } from './useAsync';

function onPeriod(period: MaybeRefOrGetter<string>, run: () => Promise<void>): void {
  watch(
    () => toValue(period),
    (p) => {
      if (p) void run();
    },
    { immediate: true },
  );
}

export function useAlerts(period: MaybeRefOrGetter<string>) {
  const state = useAsync<RankingAlert[]>(() =>
    collectPages(async (pageToken) => {
      const res = await rankingClient.listAlerts({ period: toValue(period), page: { pageSize: 200, pageToken } });
      return { items: res.alerts, next: res.page?.nextPageToken ?? '' };
    }),
  );
  onPeriod(period, state.run);
  return state;
}

export function useConsequences(period: MaybeRefOrGetter<string>) {
  const state = useAsync<ListConsequencesResponse>(() =>
    rankingClient.listConsequences({ year: periodYear(toValue(period)) }),
  );
  watch(
    () => periodYear(toValue(period) || '0'),
    (y) => {
      if (y > 0) void state.run();
    },
    { immediate: true },
  );
  return state;
}

export function useCaseStats(period: MaybeRefOrGetter<string>) {
  const state = useAsync<StatsResponse>(() => casesClient.getStats({ period: toValue(period) }));
  onPeriod(period, state.run);
  return state;
}

/** Open cases past due now, with the ladder step each reached. */
export function useOverdueCases() {
  const state = useAsync<Case[]>(() =>
    collectPages(async (pageToken) => {
      const res = await casesClient.listCases({ overdueOnly: true, page: { pageSize: 200, pageToken } });
      return { items: res.cases, next: res.page?.nextPageToken ?? '' };
    }),
  );
  void state.run();
  return state;
}

export function useGoals(period: MaybeRefOrGetter<string>) {
  const state = useAsync<Goals>(() => rankingClient.getGoals({ year: periodYear(toValue(period)) }));
  watch(
    () => periodYear(toValue(period) || '0'),
    (y) => {
      if (y > 0) void state.run();
    },
    { immediate: true },
  );
  return state;
}
