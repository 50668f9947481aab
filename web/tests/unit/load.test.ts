import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { Code, ConnectError } from '@connectrpc/connect';
import { useLoad } from '@/composables/useAsync';

async function settle(): Promise<void> {
  await nextTick();
  await new Promise((r) => setTimeout(r, 0));
}

describe('useLoad (every page composable)', () => {
  it('calls once every input is given, and again when one changes', async () => {
    const period = ref('');
    const region = ref('3611');
    const calls: string[] = [];
    const state = useLoad(async () => {
      calls.push(`${region.value} ${period.value}`);
      return calls.length;
    }, () => [region.value, period.value]);
    await settle();
    expect(calls).toEqual([]);
    period.value = '2022-09';
    await settle();
    expect(calls).toEqual(['3611 2022-09']);
    expect(state.data.value).toBe(1);
    region.value = '361103';
    await settle();
    expect(calls).toEqual(['3611 2022-09', '361103 2022-09']);
    expect(state.loading.value).toBe(false);
  });

  it('takes a year of 0 as not given, and its own readiness when one input may be empty', async () => {
    const year = ref(0);
    const byYear: number[] = [];
    useLoad(async () => byYear.push(year.value), () => year.value);
    const unit = ref('');
    const byUnit: string[] = [];
    useLoad(async () => byUnit.push(unit.value), () => unit.value, { ready: () => true });
    await settle();
    expect(byYear).toEqual([]);
    expect(byUnit).toEqual(['']);
    year.value = 2022;
    await settle();
    expect(byYear).toEqual([2022]);
  });

  it('words an error and marks a refusal for the panel', async () => {
    const failing = useLoad(async () => {
      throw new ConnectError('no', Code.Unavailable);
    }, () => 'x');
    const refused = useLoad(async () => {
      throw new ConnectError('no', Code.PermissionDenied);
    }, () => 'x');
    await settle();
    expect(failing.error.value).toBe('服务暂不可用，请稍后再试');
    expect(failing.denied.value).toBe(false);
    expect(refused.denied.value).toBe(true);
    expect(refused.error.value).toBe('');
  });
});
