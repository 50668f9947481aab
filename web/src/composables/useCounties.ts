// The city's counties: CatalogService.ListRegions when the role may call it, the catalog seed's
// list otherwise (src/config/region.ts).
import { shallowRef } from 'vue';
import { catalogClient, methods } from '@/api/clients';
import { CITY_CODE, SEED_COUNTIES, type RegionRef } from '@/config/region';
import { RegionKind } from '@/gen/yingshang/indicator/v1/catalog_pb';
import { can } from './useSession';

let cached: Promise<RegionRef[]> | null = null;

export function loadCounties(): Promise<RegionRef[]> {
  if (!cached) {
    cached = (async () => {
      if (!can(methods.listRegions)) return SEED_COUNTIES;
      try {
        const res = await catalogClient.listRegions({ kind: RegionKind.COUNTY, parentCode: CITY_CODE, page: { pageSize: 200 } });
        const counties = res.regions
          .filter((r) => !r.retired)
          .map((r) => ({ code: r.code, name: r.name }))
          .sort((a, b) => a.code.localeCompare(b.code));
        return counties.length > 0 ? counties : SEED_COUNTIES;
      } catch {
        return SEED_COUNTIES;
      }
    })();
  }
  return cached;
}

export function useCounties() {
  const counties = shallowRef<RegionRef[]>(SEED_COUNTIES);
  void loadCounties().then((c) => (counties.value = c));
  return counties;
}
