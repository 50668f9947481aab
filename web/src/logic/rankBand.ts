// Which rank band a rank falls in (src/config/rankBands.ts: the office's local policy).
import { RANK_BAND_POLICY, type BandDef, type BandKey } from '@/config/rankBands';
import { m } from '@/messages';

export interface Band {
  key: BandKey;
  /** 0 front … 3 last; -1 no data. The heat map's value. */
  index: number;
  label: string;
  color: string;
  textColor: string;
}

const ORDER: BandKey[] = ['front', 'middle', 'back', 'last'];

function band(def: BandDef): Band {
  return {
    key: def.key,
    index: ORDER.indexOf(def.key),
    label: m.bands[def.key] ?? def.key,
    color: def.color,
    textColor: def.textColor,
  };
}

/**
 * The band of rank `rank` out of `total` (1 = best). The last place is 末位 whatever its share; a
 * rank shared by the last places (ties) counts as last. No rank or no total: 无数据.
 */
export function rankBand(rank: number, total: number): Band {
  if (!(rank > 0) || !(total > 0)) return band(RANK_BAND_POLICY.none);
  if (rank >= total) return band(RANK_BAND_POLICY.last);
  for (const def of RANK_BAND_POLICY.bands) {
    if (rank <= Math.floor(def.maxShare * total)) return band(def);
  }
  return band(RANK_BAND_POLICY.bands[RANK_BAND_POLICY.bands.length - 1]!);
}

/** The bands in order for a legend, each labelled as local policy. */
export function bandLegend(): Band[] {
  return [...RANK_BAND_POLICY.bands, RANK_BAND_POLICY.last].map(band);
}

/** "前列（本地口径）" */
export function bandLegendLabel(b: Band): string {
  return `${b.label}（${RANK_BAND_POLICY.label}）`;
}

/** The rank range a band covers for a field of `total`, e.g. "1-30". */
export function bandRange(key: BandKey, total: number): string {
  if (total <= 0) return '';
  let lo = 1;
  for (const def of RANK_BAND_POLICY.bands) {
    const hi = Math.min(Math.floor(def.maxShare * total), total - 1);
    if (def.key === key) return hi >= lo ? `${lo}-${hi}` : '';
    lo = Math.max(lo, hi + 1);
  }
  return key === 'last' ? String(total) : '';
}
