// A unit's names (canonical and aliases, CatalogService.ResolveUnit) so "my indicators" finds the
// scorecard's units whichever name the catalog lists them by.
import { shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { catalogClient, methods } from '@/api/clients';
import { can } from './useSession';

export function useUnitNames(unit: MaybeRefOrGetter<string>) {
  const names = shallowRef<Set<string>>(new Set());
  watch(
    () => toValue(unit),
    async (u) => {
      names.value = new Set(u ? [u] : []);
      if (!u || !can(methods.resolveUnit)) return;
      try {
        const resolved = await catalogClient.resolveUnit({ name: u });
        if (toValue(unit) === u) names.value = new Set([u, resolved.name, ...resolved.aliases]);
      } catch {
        // Not in the catalog or not allowed: the name as given.
      }
    },
    { immediate: true },
  );
  return names;
}
