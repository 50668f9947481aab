// The city the console is for, and its counties as the catalog seed lists them
// (data/catalog/regions.yaml). The console asks CatalogService.ListRegions first; this list is the
// fallback when that call is not allowed for the person's role.

export const CITY_CODE = '3611';
export const CITY_NAME = '上饶市';
export const COMPOSITE_CODE = 'C00';

export interface RegionRef {
  code: string;
  name: string;
}

export const SEED_COUNTIES: RegionRef[] = [
  { code: '361102', name: '信州区' },
  { code: '361103', name: '广丰区' },
  { code: '361104', name: '广信区' },
  { code: '361123', name: '玉山县' },
  { code: '361124', name: '铅山县' },
  { code: '361125', name: '横峰县' },
  { code: '361126', name: '弋阳县' },
  { code: '361127', name: '余干县' },
  { code: '361128', name: '鄱阳县' },
  { code: '361129', name: '万年县' },
  { code: '361130', name: '婺源县' },
  { code: '361181', name: '德兴市' },
];

/** How far back the console looks for the latest month with data (GetHistory, one call). */
export const LATEST_MONTH_LOOKBACK = 120;
