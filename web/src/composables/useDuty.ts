// Leader window duty (DutyService): the directory for the forms, 表1 registration, 表2 record, and
// the month's compliance.
import { computed, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { dutyClient } from '@/api/clients';
import type {
  ComplianceReport,
  Directory,
  DutyRecord,
  FileRecordRequestSchema,
  Registration,
  RegisterRequestSchema,
  ResidentUnit,
} from '@/gen/yingshang/duty/v1/duty_pb';
import { useLoad } from './useAsync';

/** The units with their windows and leaders ("" for every unit the person may see). */
export function useDirectory(unit: MaybeRefOrGetter<string>) {
  return useLoad<Directory, string>(() => dutyClient.getDirectory({ unit: toValue(unit) }), () => toValue(unit), {
    ready: () => true,
  });
}

export function useCompliance(month: MaybeRefOrGetter<string>, unit: MaybeRefOrGetter<string>) {
  return useLoad<ComplianceReport, string[]>(
    () => dutyClient.getCompliance({ month: toValue(month), unit: toValue(unit) }),
    () => [toValue(month), toValue(unit)],
    { ready: ([m]) => !!m },
  );
}

export function register(req: MessageInitShape<typeof RegisterRequestSchema>): Promise<Registration> {
  return dutyClient.register(req);
}

export function fileRecord(req: MessageInitShape<typeof FileRecordRequestSchema>): Promise<DutyRecord> {
  return dutyClient.fileRecord(req);
}

/**
 * The unit a 表1/表2 form picked from the directory, its windows and leaders: picking another unit
 * clears the leader and takes the unit's window when it has only one.
 */
export function useUnitChoice(
  units: MaybeRefOrGetter<readonly ResidentUnit[]>,
  form: { unit: string; window: string; leader: string },
) {
  const chosen = computed(() => toValue(units).find((u) => u.name === form.unit));
  watch(
    () => form.unit,
    () => {
      form.window = chosen.value?.windows.length === 1 ? chosen.value.windows[0]!.code : '';
      form.leader = '';
    },
  );
  // A unit's own directory holds its one unit: the form starts with it.
  watch(
    () => toValue(units),
    (list) => {
      if (list.length === 1 && !form.unit) form.unit = list[0]!.name;
    },
    { immediate: true },
  );
  return chosen;
}
