// Leader window duty (DutyService): the directory for the forms, 表1 registration, 表2 record, and
// the month's compliance.
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { dutyClient } from '@/api/clients';
import type {
  ComplianceReport,
  Directory,
  DutyRecord,
  FileRecordRequestSchema,
  Registration,
  RegisterRequestSchema,
} from '@/gen/yingshang/duty/v1/duty_pb';
import { useAsync } from './useAsync';

export function useDirectory(unit: MaybeRefOrGetter<string>) {
  const state = useAsync<Directory>(() => dutyClient.getDirectory({ unit: toValue(unit) }));
  watch(() => toValue(unit), () => void state.run(), { immediate: true });
  return state;
}

export function useCompliance(month: MaybeRefOrGetter<string>, unit: MaybeRefOrGetter<string>) {
  const state = useAsync<ComplianceReport>(() => dutyClient.getCompliance({ month: toValue(month), unit: toValue(unit) }));
  watch(
    () => [toValue(month), toValue(unit)] as const,
    ([month]) => {
      if (month) void state.run();
    },
    { immediate: true },
  );
  return state;
}

export function register(req: MessageInitShape<typeof RegisterRequestSchema>): Promise<Registration> {
  return dutyClient.register(req);
}

export function fileRecord(req: MessageInitShape<typeof FileRecordRequestSchema>): Promise<DutyRecord> {
  return dutyClient.fileRecord(req);
}
