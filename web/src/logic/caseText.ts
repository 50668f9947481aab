// A case's machine-written words for people: the history's states (STATE_OPEN → 待整改), who acted
// (the service itself → 系统（自动）; a person as the service records them), and the alert ids and
// rule names the rectification service writes into notes and origin references.
import { CITY_CODE, CITY_NAME, SEED_COUNTIES } from '@/config/region';
import { AlertRule, Evaluation } from '@/gen/yingshang/ranking/v1/ranking_pb';
import { Escalation, Origin, State } from '@/gen/yingshang/rectification/v1/rectification_pb';
import { m } from '@/messages';

/** The value of a generated enum by its proto name ("STATE_OPEN" with prefix "STATE_"), if it is one. */
function enumValue(values: Record<string, string | number>, prefix: string, name: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const v = values[name.slice(prefix.length)];
  return typeof v === 'number' ? v : undefined;
}

function named(words: Record<number, string>, value: number | undefined, raw: string): string {
  return value === undefined ? raw : words[value] ?? raw;
}

/** A history entry's before or after: a state, a ladder step, a flag, a date or a case id. */
export function changeValue(value: string): string {
  if (value.startsWith('STATE_')) return named(m.cases.states, enumValue(State, 'STATE_', value), value);
  if (value.startsWith('ESCALATION_')) return named(m.cases.escalations, enumValue(Escalation, 'ESCALATION_', value), value);
  return m.caseDetail.changeWords[value] ?? value;
}

/** "待整改 → 整改中"; "" when the entry changed no value. */
export function changeText(before: string, after: string): string {
  if (!before && !after) return '';
  return `${before ? changeValue(before) : '—'} → ${after ? changeValue(after) : '—'}`;
}

// The services that write history themselves (rectification's sweeper and alert intake).
const SERVICE_ACTORS = new Set(['rectification', 'ranking', 'duty', 'notify', 'indicator']);

/**
 * Who acted: a person the gateway named exactly as the service records them ("王科长
 * (unit:市城市管理局) via console"); the service's own steps as 系统（自动）; any other API key by its name.
 */
export function actorText(actor: string): string {
  if (/ via \S+$/.test(actor)) return actor;
  if (!actor || SERVICE_ACTORS.has(actor)) return m.caseDetail.systemActor;
  return m.caseDetail.keyActor(actor);
}

/** A region code as its name: 上饶市, a county of it, or the code. */
function regionName(code: string): string {
  if (code === CITY_CODE) return CITY_NAME;
  return SEED_COUNTIES.find((c) => c.code === code)?.name ?? code;
}

const ALERT_ID_RE = /\b(ALERT_RULE_[A-Z0-9_]+)\/(EVALUATION_[A-Z_]+)\/([^/\s;,，]+)\/(city|county)\/(\d+)\/([0-9Q-]+)/g;

/**
 * A ranking alert's id ("<rule>/<evaluation>/<indicator>/<scope>/<region>/<period>") in words:
 * "全省后三位（上饶市 · I07 · 2022-09）", with the evaluation when it is not the official one.
 */
export function alertIdText(id: string): string {
  return id.replace(ALERT_ID_RE, (_all, rule: string, evaluation: string, indicator: string, _scope, region: string, period: string) => {
    const parts = [regionName(region), indicator, period];
    const ev = enumValue(Evaluation, 'EVALUATION_', evaluation);
    if (ev !== undefined && ev !== Evaluation.OFFICIAL) parts.push(m.alerts.evaluations[ev] ?? evaluation);
    return `${ruleName(rule)}（${parts.join(' · ')}）`;
  });
}

function ruleName(rule: string): string {
  return named(m.alerts.rules, enumValue(AlertRule, 'ALERT_RULE_', rule), rule);
}

/** A history note or origin reference with the service's ids and English joins in Chinese. */
export function noteText(note: string): string {
  return alertIdText(note)
    .replace(/\bALERT_RULE_[A-Z0-9_]+/g, (r) => ruleName(r))
    .replace(/\bORIGIN_[A-Z_]+/g, (o) => named(m.cases.origins, enumValue(Origin, 'ORIGIN_', o), o))
    .replace(/: its own case (RC-\d+)/g, '，另立案件 $1')
    .replace(/; previous case (RC-\d+)/g, '；前案 $1')
    .replace(/; stands on /g, '；仍成立：')
    .replace(/ joined\b/g, ' 并入本案')
    .replace(/ withdrawn\b/g, ' 已撤回');
}
