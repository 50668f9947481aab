import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import {
  addDays,
  addMonths,
  dateShortLabel,
  daysLeft,
  formatClock,
  formatDateTime,
  formatTimestamp,
  isoWeekday,
  monthsOfYear,
  periodKind,
  periodLabel,
  quarterMonths,
  sameWeek,
  quarterOf,
  shanghaiDate,
  shanghaiMonth,
  shanghaiWeekdayName,
  weekDates,
  weekStart,
  weekdayName,
} from '@/time';

describe('Shanghai calendar of an instant', () => {
  it('puts 16:30 UTC on the next Shanghai day (UTC+8)', () => {
    expect(shanghaiDate(new Date('2022-09-30T16:30:00Z'))).toBe('2022-10-01');
    expect(shanghaiMonth(new Date('2022-09-30T16:30:00Z'))).toBe('2022-10');
  });
  it('keeps 15:59:59 UTC on the same Shanghai day', () => {
    expect(shanghaiDate(new Date('2022-09-30T15:59:59Z'))).toBe('2022-09-30');
    expect(shanghaiMonth(new Date('2022-09-30T15:59:59Z'))).toBe('2022-09');
  });
  it('turns the year at 16:00 UTC on 31 December', () => {
    expect(shanghaiDate(new Date('2022-12-31T16:00:00Z'))).toBe('2023-01-01');
  });
  it('formats date and time in Shanghai time', () => {
    expect(formatDateTime(new Date('2022-10-09T23:05:00Z'))).toBe('2022-10-10 07:05');
    expect(formatClock(new Date('2022-10-09T23:05:09Z'))).toBe('07:05:09');
    expect(formatDateTime(undefined)).toBe('');
  });
  it('formats a protobuf Timestamp', () => {
    // 2022-10-30T15:59:59Z: the end of the due day 2022-10-30 in Shanghai.
    const ts = create(TimestampSchema, { seconds: BigInt(Date.UTC(2022, 9, 30, 15, 59, 59) / 1000), nanos: 0 });
    expect(formatTimestamp(ts)).toBe('2022-10-30 23:59');
    expect(formatTimestamp(undefined)).toBe('');
  });
  it('names the Shanghai weekday of an instant', () => {
    // Sunday 2022-10-09 17:00 UTC is Monday 2022-10-10 01:00 in Shanghai.
    expect(shanghaiWeekdayName(new Date('2022-10-09T17:00:00Z'))).toBe('周一');
  });
});

describe('days left to a due date', () => {
  const due = '2022-10-30';
  it('is 0 on the due day, late evening in Shanghai', () => {
    expect(daysLeft(due, new Date('2022-10-30T15:00:00Z'))).toBe(0); // 23:00 Shanghai
  });
  it('is -1 just after midnight Shanghai the next day, though UTC is still on the due day', () => {
    expect(daysLeft(due, new Date('2022-10-30T16:01:00Z'))).toBe(-1);
  });
  it('counts calendar days before', () => {
    expect(daysLeft(due, new Date('2022-10-20T02:00:00Z'))).toBe(10);
  });
  it('crosses months and leap days', () => {
    expect(daysLeft('2024-03-01', new Date('2024-02-28T04:00:00Z'))).toBe(2);
  });
});

describe('calendar dates', () => {
  it('adds days across months and years', () => {
    expect(addDays('2022-09-30', 1)).toBe('2022-10-01');
    expect(addDays('2022-12-31', 1)).toBe('2023-01-01');
    expect(addDays('2022-03-01', -1)).toBe('2022-02-28');
  });
  it('finds weekdays and the week of a date', () => {
    expect(isoWeekday('2022-10-10')).toBe(1);
    expect(isoWeekday('2022-10-16')).toBe(7);
    expect(weekdayName('2022-10-12')).toBe('周三');
    expect(weekStart('2022-10-16')).toBe('2022-10-10');
    expect(weekStart('2022-10-10')).toBe('2022-10-10');
    expect(weekDates('2022-10-10')).toEqual([
      '2022-10-10',
      '2022-10-11',
      '2022-10-12',
      '2022-10-13',
      '2022-10-14',
      '2022-10-15',
      '2022-10-16',
    ]);
    expect(dateShortLabel('2022-10-09')).toBe('10月9日');
  });
  it('tells whether two dates share a Monday–Sunday week (the hall screen\'s preview)', () => {
    expect(sameWeek('2022-10-10', '2022-10-16')).toBe(true);
    expect(sameWeek('2022-10-16', '2022-10-17')).toBe(false);
    expect(sameWeek('2026-12-03', '2026-12-11')).toBe(false);
    expect(sameWeek('2026-12-31', '2027-01-03')).toBe(true);
  });
});

describe('periods', () => {
  it('tells months, quarters and years apart', () => {
    expect(periodKind('2022-09')).toBe('month');
    expect(periodKind('2022-13')).toBeUndefined();
    expect(periodKind('2022Q3')).toBe('quarter');
    expect(periodKind('2022Q5')).toBeUndefined();
    expect(periodKind('2022')).toBe('year');
    expect(periodKind('22-9')).toBeUndefined();
  });
  it('steps months across years', () => {
    expect(addMonths('2022-09', -1)).toBe('2022-08');
    expect(addMonths('2022-01', -1)).toBe('2021-12');
    expect(addMonths('2022-12', 1)).toBe('2023-01');
    expect(addMonths('2022-09', -21)).toBe('2020-12');
  });
  it('lists the months of a year', () => {
    const months = monthsOfYear(2022);
    expect(months).toHaveLength(12);
    expect(months[0]).toBe('2022-01');
    expect(months[11]).toBe('2022-12');
  });
  it('maps months to quarters and back', () => {
    expect(quarterOf('2022-01')).toBe('2022Q1');
    expect(quarterOf('2022-09')).toBe('2022Q3');
    expect(quarterOf('2022-10')).toBe('2022Q4');
    expect(quarterMonths('2022Q3')).toEqual(['2022-07', '2022-08', '2022-09']);
    expect(quarterMonths('2022Q4')).toEqual(['2022-10', '2022-11', '2022-12']);
    expect(() => quarterOf('2022Q3')).toThrow();
  });
  it('labels periods in Chinese', () => {
    expect(periodLabel('2022-09')).toBe('2022年9月');
    expect(periodLabel('2022Q3')).toBe('2022年第三季度');
    expect(periodLabel('2022')).toBe('2022年');
  });
});
