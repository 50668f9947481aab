// Cases (RectificationService): a unit's list, one case with its history, and a progress report
// with attachments uploaded through the gateway (ConsoleService.UploadAttachment).
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import { casesClient, consoleClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import type { Attachment } from '@/gen/yingshang/gateway/v1/gateway_pb';
import type { Case } from '@/gen/yingshang/rectification/v1/rectification_pb';
import { fileBytes } from '@/logic/attachments';
import { useAsync, type AsyncOptions } from './useAsync';

/** A unit's cases ("" for whatever the person's role sees: a unit key sees its own whatever it asks). */
export function useCaseList(unit: MaybeRefOrGetter<string>, options: AsyncOptions & { enabled?: MaybeRefOrGetter<boolean> } = {}) {
  const state = useAsync<Case[]>(
    () =>
      collectPages(async (pageToken) => {
        const res = await casesClient.listCases({ unit: toValue(unit), page: { pageSize: 200, pageToken } });
        return { items: res.cases, next: res.page?.nextPageToken ?? '' };
      }),
    options,
  );
  watch(
    () => [toValue(unit), options.enabled === undefined ? true : toValue(options.enabled)] as const,
    ([, enabled]) => {
      if (enabled) void state.run();
    },
    { immediate: true },
  );
  return state;
}

export function useCase(id: MaybeRefOrGetter<string>) {
  const state = useAsync<Case>(() => casesClient.getCase({ id: toValue(id) }), { forbiddenPage: true });
  watch(
    () => toValue(id),
    (v) => {
      if (v) void state.run();
    },
    { immediate: true },
  );
  return state;
}

export async function uploadAttachment(file: File): Promise<Attachment> {
  return consoleClient.uploadAttachment({
    filename: file.name,
    contentType: file.type || 'application/octet-stream',
    content: await fileBytes(file),
  });
}

export async function reportProgress(id: string, text: string, attachments: string[], final: boolean): Promise<Case> {
  return casesClient.reportProgress({ id, text, attachments, final });
}
