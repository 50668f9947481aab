// The office's month: alerts (ListAlerts), 考核奖惩 (ListConsequences) and the year's goals (GetGoals).
// The cases are not the month's: see useCaseList('') and logic/caseBacklog.ts.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import type { Goals, ListConsequencesResponse } from '@/gen/yingshang/ranking/v1/query_pb';
import type { RankingAlert } from '@/gen/yingshang/ranking/v1/ranking_pb';
import { periodYear } from '@/time';
import { useLoad } from './useAsync';

export function useAlerts(period: MaybeRefOrGetter<string>) {
  return useLoad<RankingAlert[], string>(
    () =>
      collectPages(async (pageToken) => {
        const res = await rankingClient.listAlerts({ period: toValue(period), page: { pageSize: 200, pageToken } });
        return { items: res.alerts, next: res.page?.nextPageToken ?? '' };
      }),
    () => toValue(period),
  );
}

/** The year of a period, 0 before one is known. */
function yearOf(period: MaybeRefOrGetter<string>): () => number {
  return () => periodYear(toValue(period) || '0');
}

export function useConsequences(period: MaybeRefOrGetter<string>) {
  const year = yearOf(period);
  return useLoad<ListConsequencesResponse, number>(() => rankingClient.listConsequences({ year: year() }), year);
}

export function useGoals(period: MaybeRefOrGetter<string>) {
  const year = yearOf(period);
  return useLoad<Goals, number>(() => rankingClient.getGoals({ year: year() }), year);
}
