import { describe, expect, it } from 'vitest';
import { Escalation, State } from '@/gen/yingshang/rectification/v1/rectification_pb';
import { backlogByUnit, isOutstanding, localStepsText, type CaseLike } from '@/logic/caseBacklog';
import { actorText, alertIdText, changeText, changeValue, noteText } from '@/logic/caseText';

function kase(unit: string, state: State, extra: Partial<CaseLike> = {}): CaseLike {
  return { unit, regionCode: '', state, overdue: false, escalation: Escalation.NONE, escalationStep: '', ...extra };
}

describe('the outstanding cases by unit (the office dashboard)', () => {
  const cases: CaseLike[] = [
    kase('市商务局', State.OPEN),
    kase('市商务局', State.REOPENED, { overdue: true, escalation: Escalation.REMINDER, escalationStep: '督办' }),
    kase('市商务局', State.IN_PROGRESS, { overdue: true, escalation: Escalation.LOCAL_STEP, escalationStep: '约谈' }),
    kase('市商务局', State.REJECTED),
    kase('市商务局', State.CLOSED, { overdue: true }),
    kase('广丰区', State.REPORTED, { regionCode: '361103' }),
    kase('广丰区', State.VERIFIED, { regionCode: '361103' }),
    kase('市税务局', State.OPEN, { escalation: Escalation.REFERRED, escalationStep: '移送市纪委监委' }),
    kase('市税务局', State.OPEN, { escalation: Escalation.LOCAL_STEP, escalationStep: '约谈', overdue: true }),
  ];

  it('counts only what is not verified or closed', () => {
    expect(isOutstanding({ state: State.VERIFIED })).toBe(false);
    expect(isOutstanding({ state: State.CLOSED })).toBe(false);
    expect(isOutstanding({ state: State.REJECTED })).toBe(true);
    expect(isOutstanding({ state: State.REOPENED })).toBe(true);
  });

  it('puts each case at its stage and ladder step, most overdue first', () => {
    const { rows, total } = backlogByUnit(cases);
    expect(rows.map((r) => r.unit)).toEqual(['市商务局', '市税务局', '广丰区']);
    expect(rows[0]).toEqual({
      unit: '市商务局',
      regionCode: '',
      outstanding: 4,
      open: 2, // OPEN and REOPENED
      inProgress: 2, // IN_PROGRESS and REJECTED
      reported: 0,
      overdue: 2, // the closed overdue one is not counted
      reminded: 1,
      localSteps: [{ name: '约谈', count: 1 }],
      referred: 0,
    });
    expect(rows[1]).toMatchObject({ outstanding: 2, overdue: 1, referred: 1, localSteps: [{ name: '约谈', count: 1 }] });
    expect(rows[2]).toMatchObject({ unit: '广丰区', regionCode: '361103', outstanding: 1, reported: 1 });
    expect(total).toMatchObject({ unit: '', outstanding: 7, open: 4, inProgress: 2, reported: 1, overdue: 3, reminded: 1, referred: 1 });
    expect(localStepsText(total.localSteps)).toBe('约谈 2');
  });

  it('orders ties by outstanding, then by name', () => {
    const { rows } = backlogByUnit([kase('乙', State.OPEN), kase('甲', State.OPEN), kase('丙', State.OPEN), kase('丙', State.OPEN)]);
    expect(rows.map((r) => `${r.unit}${r.outstanding}`)).toEqual(['丙2', '甲1', '乙1']);
  });

  it('has no rows without outstanding cases', () => {
    expect(backlogByUnit([kase('市商务局', State.CLOSED)]).rows).toEqual([]);
    expect(localStepsText([])).toBe('');
  });
});

describe('a case history in words', () => {
  it('names the states, ladder steps and flags the service records', () => {
    expect(changeText('STATE_OPEN', 'STATE_IN_PROGRESS')).toBe('待整改 → 整改中');
    expect(changeText('', 'STATE_OPEN')).toBe('— → 待整改');
    expect(changeText('STATE_REPORTED', 'STATE_REJECTED')).toBe('已报结 → 核验未通过');
    expect(changeText('无', '督办')).toBe('无 → 督办');
    expect(changeText('2022-10-30', '2022-11-15')).toBe('2022-10-30 → 2022-11-15');
    expect(changeText('', 'RC-000011')).toBe('— → RC-000011');
    expect(changeText('', '')).toBe('');
    expect(changeValue('withdrawn')).toBe('已撤回');
    expect(changeValue('ESCALATION_REMINDER')).toBe('督办');
    expect(changeValue('STATE_NOT_A_STATE')).toBe('STATE_NOT_A_STATE');
  });

  it('keeps a person exactly as the service gives them, and names the service itself', () => {
    expect(actorText('王科长 (unit:市城市管理局) via console')).toBe('王科长 (unit:市城市管理局) via console');
    expect(actorText('rectification')).toBe('系统（自动）');
    expect(actorText('')).toBe('系统（自动）');
    expect(actorText('office-dev')).toBe('接口调用（office-dev）');
  });

  it('reads the alert ids and rules in notes and origin references', () => {
    expect(alertIdText('ALERT_RULE_BOTTOM_THREE/EVALUATION_OFFICIAL/I07/city/3611/2022-09')).toBe('全省后三位（上饶市 · I07 · 2022-09）');
    expect(alertIdText('ALERT_RULE_COUNTY_INDICATOR_LAST/EVALUATION_THIRD_PARTY/I15/county/361104/2022Q3')).toBe(
      '县区指标末位（广信区 · I15 · 2022Q3 · 第三方评估）',
    );
    expect(noteText('2022-08 ALERT_RULE_LAST_IN_PROVINCE: its own case RC-000011')).toBe('2022-08 全省倒数第一，另立案件 RC-000011');
    expect(noteText('ALERT_RULE_BOTTOM_THREE/EVALUATION_OFFICIAL/I07/city/3611/2022-09; previous case RC-000004')).toBe(
      '全省后三位（上饶市 · I07 · 2022-09）；前案 RC-000004',
    );
    expect(noteText('ORIGIN_MANUAL')).toBe('人工立案');
    expect(noteText('市商务局 已报送整改情况（RC-000007）')).toBe('市商务局 已报送整改情况（RC-000007）');
  });
});
