// The 调度会材料 (monthly, plan §四(三)) and the 通报 (quarterly, §四(四)) as the console shows them:
// labels, periods, the default number, who may do what, and the tables' layout. Pure: the pages and
// vitest call these with plain values (DocumentService, proto/yingshang/notify/v1/documents.proto).
import { DocumentKind, DocumentState } from '@/gen/yingshang/notify/v1/documents_pb';
import { m } from '@/messages';
import { parseRole, recipientId } from '@/logic/roles';
import { addMonths, isMonth, quarterOf } from '@/time';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_RE = /^(\d{4})Q([1-4])$/;

/** 调度会材料, 通报; 全部 for UNSPECIFIED (the list's filter). */
export function kindLabel(kind: DocumentKind): string {
  return m.documents.kinds[kind] ?? String(kind);
}

/** 草稿, 已签发. */
export function stateLabel(state: DocumentState): string {
  return m.documents.states[state] ?? String(state);
}

/** The period a kind is drafted for: a month "2022-09" (调度会材料), a quarter "2022Q3" (通报). */
export function validPeriod(kind: DocumentKind, period: string): boolean {
  switch (kind) {
    case DocumentKind.DISPATCH_PACK:
      return MONTH_RE.test(period);
    case DocumentKind.BULLETIN:
      return QUARTER_RE.test(period);
    default:
      return false;
  }
}

/** What is wrong with a period for a kind, in words ("" when it is right). */
export function periodProblem(kind: DocumentKind, period: string): string {
  if (validPeriod(kind, period)) return '';
  return m.documents.badPeriod(kindLabel(kind), kind === DocumentKind.BULLETIN ? '2022Q3' : '2022-09');
}

/**
 * The number a document is issued under unless the office writes another (IssueDocumentRequest:
 * "2022年第3期" for 2022Q3, "2022年9月" for 2022-09); "" for anything else.
 */
export function defaultNumber(period: string): string {
  const q = QUARTER_RE.exec(period);
  if (q) return `${q[1]}年第${Number(q[2])}期`;
  const mo = MONTH_RE.exec(period);
  if (mo) return `${mo[1]}年${Number(mo[2])}月`;
  return '';
}

/** The quarters to offer for a 通报, the current one first: "2022-09", 3 → ["2022Q3", "2022Q2", "2022Q1"]. */
export function recentQuarters(month: string, count: number): string[] {
  if (!isMonth(month)) return [];
  const out: string[] = [];
  let cursor = month;
  while (out.length < count) {
    const q = quarterOf(cursor);
    if (!out.includes(q)) out.push(q);
    cursor = addMonths(cursor, -3);
  }
  return out;
}

/**
 * The extract a role downloads (RenderDocumentRequest.extract_for): a unit's or a county's own, by
 * its notify recipient id ("unit:市商务局", "county:361102"); "" (the whole document) for the others.
 */
export function extractFor(role: string): string {
  const kind = parseRole(role).kind;
  return kind === 'unit' || kind === 'county' ? recipientId(role) : '';
}

/** Whether a role reads only the extracts of issued documents (no GetDocument: the list and downloads). */
export function readsExtractsOnly(role: string): boolean {
  return extractFor(role) !== '';
}

export interface DocumentAbilities {
  /** The office's commentary and 督办事项 are editable (a draft). */
  edit: boolean;
  reassemble: boolean;
  issue: boolean;
  correct: boolean;
}

/**
 * What the page offers a role on a document (the service decides all the same): the office edits,
 * re-assembles and issues a draft — not one with missing sources (documents.proto: "a document with
 * any cannot be issued") — and corrects an issued one.
 */
export function documentAbilities(role: string, state: DocumentState, missing: number): DocumentAbilities {
  const office = parseRole(role).kind === 'office';
  const draft = state === DocumentState.DRAFT;
  return {
    edit: office && draft,
    reassemble: office && draft,
    issue: office && draft && missing === 0,
    correct: office && state === DocumentState.ISSUED,
  };
}

/** The documents a role's list shows: a unit or a county sees issued ones only. */
export function visibleDocuments<T extends { state: DocumentState }>(role: string, docs: T[]): T[] {
  return readsExtractsOnly(role) ? docs.filter((d) => d.state === DocumentState.ISSUED) : docs;
}

export interface ItemCase {
  /** The case to link to, when opened. */
  caseId?: string;
  text: string;
}

/** A 督办事项's case: its id once opened, else 待立案 or the last refusal. */
export function itemCase(item: { caseId: string; caseError: string }): ItemCase {
  if (item.caseId) return { caseId: item.caseId, text: item.caseId };
  if (item.caseError) return { text: m.documents.caseError(item.caseError) };
  return { text: m.documents.pendingCase };
}

export interface ItemDraft {
  unit: string;
  indicatorCode: string;
  title: string;
  description: string;
}

/** What a new 督办事项 lacks ("" when it may be added). */
export function itemProblem(item: ItemDraft): string {
  return item.unit.trim() && item.title.trim() ? '' : m.documents.itemRequired;
}

/** Cells a table column holds: numeric when every cell with text is a number and one is. */
export function numericColumns(table: { columns: string[]; rows: { cells: { text: string; numeric: boolean }[] }[] }): boolean[] {
  return table.columns.map((_, i) => {
    let numbers = 0;
    for (const row of table.rows) {
      const cell = row.cells[i];
      if (!cell || cell.text === '' || cell.text === '—' || cell.text === '-') continue;
      if (!cell.numeric) return false;
      numbers++;
    }
    return numbers > 0;
  });
}

/** A table's rows as el-table data: { c0: "…", c1: "…" } by column index. */
export function tableData(table: { columns: string[]; rows: { cells: { text: string }[] }[] }): Record<string, string>[] {
  return table.rows.map((row) => {
    const out: Record<string, string> = {};
    table.columns.forEach((_, i) => (out[`c${i}`] = row.cells[i]?.text ?? ''));
    return out;
  });
}

/** The file a download is saved as: the server's name, else "<id>.<ext>". */
export function downloadName(serverName: string, id: string, ext: 'pdf' | 'xlsx'): string {
  return serverName.trim() || `${id}.${ext}`;
}
