// People's roles (gateway.proto): office, unit:<name>, leader:<name>, county:<code>, centre, viewer.
import { SEED_COUNTIES } from '@/config/region';
import { m } from '@/messages';

export type RoleKind = 'office' | 'unit' | 'leader' | 'county' | 'centre' | 'viewer' | 'unknown';

export interface Role {
  kind: RoleKind;
  /** The unit's name, the leader's name or the county's code; "" for the others. */
  subject: string;
}

export function parseRole(role: string): Role {
  const colon = role.indexOf(':');
  const head = colon < 0 ? role : role.slice(0, colon);
  const subject = colon < 0 ? '' : role.slice(colon + 1);
  switch (head) {
    case 'office':
    case 'centre':
    case 'viewer':
      return { kind: head, subject: '' };
    case 'unit':
    case 'leader':
    case 'county':
      return subject ? { kind: head, subject } : { kind: 'unknown', subject: '' };
    default:
      return { kind: 'unknown', subject: '' };
  }
}

/** "市营商办", "责任单位 · 市商务局", "县（市、区） · 广丰区" (a county by its name where known). */
export function roleLabel(role: string): string {
  const r = parseRole(role);
  const name = m.roles[r.kind] ?? role;
  const subject = r.kind === 'county' ? SEED_COUNTIES.find((c) => c.code === r.subject)?.name ?? r.subject : r.subject;
  return subject ? `${name} · ${subject}` : name;
}

/**
 * The notify recipient id of a person's role (notify.proto Recipient.id): unit:<name>, lead:<name>
 * (a 领班), county:<code>, office, centre. Viewers have no inbox ("").
 */
export function recipientId(role: string): string {
  const r = parseRole(role);
  switch (r.kind) {
    case 'office':
      return 'office';
    case 'centre':
      return 'centre';
    case 'unit':
      return `unit:${r.subject}`;
    case 'leader':
      return `lead:${r.subject}`;
    case 'county':
      return `county:${r.subject}`;
    default:
      return '';
  }
}

export interface MenuItem {
  path: string;
  label: string;
  /** Route name, to mark the active item. */
  name: string;
}

const ITEMS = {
  dashboard: { path: '/', label: m.menu.dashboard, name: 'dashboard' },
  indicators: { path: '/indicators/C00', label: m.menu.indicators, name: 'indicator' },
  counties: { path: '/counties/361102', label: m.menu.counties, name: 'county' },
  units: { path: '/unit', label: m.menu.units, name: 'unit' },
  unit: { path: '/unit', label: m.menu.unit, name: 'unit' },
  countyCases: { path: '/unit', label: m.menu.countyCases, name: 'unit' },
  leader: { path: '/leader', label: m.menu.leader, name: 'leader' },
  duty: { path: '/duty', label: m.menu.duty, name: 'duty' },
  hall: { path: '/hall', label: m.menu.hall, name: 'hall' },
  huiqitong: { path: '/huiqitong', label: m.menu.huiqitong, name: 'huiqitong' },
  documents: { path: '/documents', label: m.menu.documents, name: 'documents' },
  inbox: { path: '/inbox', label: m.menu.inbox, name: 'inbox' },
} satisfies Record<string, MenuItem>;

type ItemKey = keyof typeof ITEMS;

// Each role's pages, its home first.
const MENUS: Record<Exclude<RoleKind, 'county'>, ItemKey[]> = {
  office: ['dashboard', 'indicators', 'counties', 'units', 'leader', 'duty', 'huiqitong', 'documents', 'inbox'],
  viewer: ['dashboard', 'indicators', 'counties', 'huiqitong', 'documents'],
  unit: ['unit', 'indicators', 'duty', 'documents', 'inbox'],
  leader: ['leader', 'indicators', 'documents', 'inbox'],
  centre: ['duty', 'hall', 'inbox'],
  unknown: ['inbox'],
};

/** The left menu for a role; the first item is the role's home. */
export function menuFor(role: string, countyCode = ''): MenuItem[] {
  const r = parseRole(role);
  if (r.kind === 'county') {
    // A county's home is its own county page.
    const own: MenuItem = { path: `/counties/${countyCode || r.subject}`, label: m.menu.myCounty, name: 'county' };
    return [own, ITEMS.countyCases, ITEMS.documents, ITEMS.inbox];
  }
  return MENUS[r.kind].map((key) => ITEMS[key]);
}

/** Where "/" leads a role. */
export function homePath(role: string, countyCode = ''): string {
  const items = menuFor(role, countyCode);
  return items[0]?.path ?? '/inbox';
}

/** Whether a person may write a case's progress report (the service decides; this hides the form). */
export function mayReport(role: string, following: boolean): boolean {
  const r = parseRole(role);
  return !following && (r.kind === 'office' || r.kind === 'unit' || r.kind === 'county');
}
