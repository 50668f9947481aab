// People's roles (gateway.proto): office, unit:<name>, leader:<name>, county:<code>, centre, viewer.
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

/** "市营商办", "责任单位 · 市商务局" */
export function roleLabel(role: string): string {
  const r = parseRole(role);
  const name = m.roles[r.kind] ?? role;
  return r.subject ? `${name} · ${r.subject}` : name;
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

/** The left menu for a role; the first item is the role's home. */
export function menuFor(role: string, countyCode = ''): MenuItem[] {
  const r = parseRole(role);
  const inbox: MenuItem = { path: '/inbox', label: m.menu.inbox, name: 'inbox' };
  switch (r.kind) {
    case 'office':
      return [
        { path: '/', label: m.menu.dashboard, name: 'dashboard' },
        { path: '/indicators/C00', label: m.menu.indicators, name: 'indicator' },
        { path: '/counties/361102', label: m.menu.counties, name: 'county' },
        { path: '/unit', label: m.menu.units, name: 'unit' },
        { path: '/leader', label: m.menu.leader, name: 'leader' },
        { path: '/duty', label: m.menu.duty, name: 'duty' },
        { path: '/huiqitong', label: m.menu.huiqitong, name: 'huiqitong' },
        inbox,
      ];
    case 'viewer':
      return [
        { path: '/', label: m.menu.dashboard, name: 'dashboard' },
        { path: '/indicators/C00', label: m.menu.indicators, name: 'indicator' },
        { path: '/counties/361102', label: m.menu.counties, name: 'county' },
        { path: '/huiqitong', label: m.menu.huiqitong, name: 'huiqitong' },
      ];
    case 'unit':
      return [
        { path: '/unit', label: m.menu.unit, name: 'unit' },
        { path: '/indicators/C00', label: m.menu.indicators, name: 'indicator' },
        { path: '/duty', label: m.menu.duty, name: 'duty' },
        inbox,
      ];
    case 'leader':
      return [
        { path: '/leader', label: m.menu.leader, name: 'leader' },
        { path: '/indicators/C00', label: m.menu.indicators, name: 'indicator' },
        inbox,
      ];
    case 'county': {
      const code = countyCode || r.subject;
      return [
        { path: `/counties/${code}`, label: m.menu.myCounty, name: 'county' },
        { path: '/unit', label: m.menu.countyCases, name: 'unit' },
        inbox,
      ];
    }
    case 'centre':
      return [
        { path: '/duty', label: m.menu.duty, name: 'duty' },
        { path: '/hall', label: m.menu.hall, name: 'hall' },
        inbox,
      ];
    default:
      return [inbox];
  }
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
