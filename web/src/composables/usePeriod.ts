// The month a page reads: ?period=YYYY-MM when given, else (once the page is mounted) the latest
// month with facts — the current month (Asia/Shanghai) if it has any, else the last one before it
// (one GetHistory call on Shanghai's composite looks back LATEST_MONTH_LOOKBACK months).
import { onMounted, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { rankingClient, methods } from '@/api/clients';
import { CITY_CODE, COMPOSITE_CODE, LATEST_MONTH_LOOKBACK } from '@/config/region';
import { addMonths, isMonth, shanghaiMonth } from '@/time';
import { can } from './useSession';

let latest: Promise<string> | null = null;

/** The latest month with facts for Shanghai's composite; the current month when none is found. */
export function latestMonth(): Promise<string> {
  if (!latest) {
    latest = (async () => {
      const current = shanghaiMonth(new Date());
      if (!can(methods.getHistory)) return current;
      try {
        const history = await rankingClient.getHistory({
          indicatorCode: COMPOSITE_CODE,
          regionCode: CITY_CODE,
          fromPeriod: addMonths(current, 1 - LATEST_MONTH_LOOKBACK),
          toPeriod: current,
        });
        const present = history.points.filter((p) => p.present);
        return present.length > 0 ? present[present.length - 1]!.period : current;
      } catch {
        latest = null; // try again next time
        return current;
      }
    })();
  }
  return latest;
}

function queryPeriod(q: unknown): string {
  return typeof q === 'string' && isMonth(q) ? q : '';
}

export function usePeriod() {
  const route = useRoute();
  const router = useRouter();
  const period = ref(queryPeriod(route.query.period));

  async function resolve(): Promise<string> {
    if (!period.value) {
      const month = await latestMonth();
      if (!period.value) period.value = month;
    }
    return period.value;
  }

  function set(p: string): void {
    if (!isMonth(p) || p === period.value) return;
    period.value = p;
    void router.replace({ query: { ...route.query, period: p } });
  }

  onMounted(() => void resolve());
  watch(
    () => route.query.period,
    (q) => {
      const p = queryPeriod(q);
      if (p && p !== period.value) period.value = p;
    },
  );

  return { period, resolve, set };
}
