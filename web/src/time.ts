// Dates and periods in Asia/Shanghai: every date the console shows or computes goes through here
// (STYLE.md, "The web console"). Periods are strings as the API has them: months "2022-09",
// quarters "2022Q3", years "2022".
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';

export const TIME_ZONE = 'Asia/Shanghai';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const weekdayFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, weekday: 'short' });

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function parts(d: Date): Parts {
  const out: Record<string, string> = {};
  for (const p of partsFormat.formatToParts(d)) out[p.type] = p.value;
  return {
    year: out.year ?? '0000',
    month: out.month ?? '01',
    day: out.day ?? '01',
    hour: out.hour ?? '00',
    minute: out.minute ?? '00',
    second: out.second ?? '00',
  };
}

/** The Shanghai calendar date of an instant: "2022-09-30". */
export function shanghaiDate(d: Date): string {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The Shanghai month of an instant: "2022-09". */
export function shanghaiMonth(d: Date): string {
  const p = parts(d);
  return `${p.year}-${p.month}`;
}

/** "2022-09-30 08:05" in Shanghai time. */
export function formatDateTime(d: Date | undefined): string {
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "08:05:09" in Shanghai time. */
export function formatClock(d: Date): string {
  const p = parts(d);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** A protobuf Timestamp as a Date; undefined when unset. */
export function toDate(ts: Timestamp | undefined): Date | undefined {
  return ts ? timestampDate(ts) : undefined;
}

/** formatDateTime of a protobuf Timestamp ("" when unset). */
export function formatTimestamp(ts: Timestamp | undefined): string {
  return formatDateTime(toDate(ts));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const QUARTER_RE = /^(\d{4})Q([1-4])$/;
const YEAR_RE = /^(\d{4})$/;

/** Days since 1970-01-01 of a calendar date "YYYY-MM-DD" (no time zone: a date is a date). */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

/** The calendar date `n` days after `date`. */
export function addDays(date: string, n: number): string {
  const d = new Date((dayNumber(date) + n) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/**
 * Days from today (in Shanghai, at `now`) to a due date: 0 on the due day, negative once it has
 * passed (a case is due at the end of its due day, Asia/Shanghai).
 */
export function daysLeft(dueDate: string, now: Date): number {
  return dayNumber(dueDate) - dayNumber(shanghaiDate(now));
}

/** Monday = 1 … Sunday = 7 of a calendar date. */
export function isoWeekday(date: string): number {
  const wd = new Date(dayNumber(date) * 86_400_000).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** Monday of the week a calendar date falls in. */
export function weekStart(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** Whether two calendar dates fall in the same Monday–Sunday week. */
export function sameWeek(a: string, b: string): boolean {
  return weekStart(a) === weekStart(b);
}

/** The seven dates Monday..Sunday from a week's Monday. */
export function weekDates(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

const WEEKDAY_NAMES = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** 周一 … 周日 of a calendar date. */
export function weekdayName(date: string): string {
  return WEEKDAY_NAMES[isoWeekday(date) - 1] ?? '';
}

/** 周一 … 周日 of an instant in Shanghai. */
export function shanghaiWeekdayName(d: Date): string {
  const i = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(weekdayFormat.format(d));
  return WEEKDAY_NAMES[i] ?? '';
}

export type PeriodKind = 'month' | 'quarter' | 'year';

export function periodKind(period: string): PeriodKind | undefined {
  if (MONTH_RE.test(period)) {
    const month = Number(period.slice(5));
    return month >= 1 && month <= 12 ? 'month' : undefined;
  }
  if (QUARTER_RE.test(period)) return 'quarter';
  if (YEAR_RE.test(period)) return 'year';
  return undefined;
}

export function isMonth(period: string): boolean {
  return periodKind(period) === 'month';
}

/** The year of any period. */
export function periodYear(period: string): number {
  return Number(period.slice(0, 4));
}

/** A month `n` months after `month` ("2022-09", -1 → "2022-08"; "2022-01", -1 → "2021-12"). */
export function addMonths(month: string, n: number): string {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
  const year = Math.floor(index / 12);
  const mm = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}`;
}

/** "2022-01" … "2022-12". */
export function monthsOfYear(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The quarter a month falls in: "2022-09" → "2022Q3". */
export function quarterOf(month: string): string {
  if (!isMonth(month)) throw new Error(`not a month: ${month}`);
  return `${month.slice(0, 4)}Q${Math.floor((Number(month.slice(5)) - 1) / 3) + 1}`;
}

/** The months of a quarter: "2022Q3" → ["2022-07", "2022-08", "2022-09"]. */
export function quarterMonths(quarter: string): string[] {
  const m = QUARTER_RE.exec(quarter);
  if (!m) throw new Error(`not a quarter: ${quarter}`);
  const first = (Number(m[2]) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${m[1]}-${String(first + i).padStart(2, '0')}`);
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

/** "2022年9月", "2022年第三季度", "2022年". */
export function periodLabel(period: string): string {
  switch (periodKind(period)) {
    case 'month':
      return `${period.slice(0, 4)}年${Number(period.slice(5))}月`;
    case 'quarter':
      return `${period.slice(0, 4)}年第${QUARTER_NAMES[Number(period.slice(5)) - 1]}季度`;
    case 'year':
      return `${period}年`;
    default:
      return period;
  }
}

/** "9月" for chart axes. */
export function monthShortLabel(month: string): string {
  return isMonth(month) ? `${Number(month.slice(5))}月` : month;
}

/** "2022-10-10" → "10月10日". */
export function dateShortLabel(date: string): string {
  const m = DATE_RE.exec(date);
  return m ? `${Number(m[2])}月${Number(m[3])}日` : date;
}
