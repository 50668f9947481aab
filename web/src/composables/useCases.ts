// Cases (RectificationService): a unit's list, every case, one case with its history, and a progress
// report with attachments uploaded through the gateway (ConsoleService.UploadAttachment).
import { toValue, type MaybeRefOrGetter } from 'vue';
import { casesClient, consoleClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import type { Attachment } from '@/gen/yingshang/gateway/v1/gateway_pb';
import type { Case } from '@/gen/yingshang/rectification/v1/rectification_pb';
import { fileBytes } from '@/logic/attachments';
import { useLoad, type AsyncOptions } from './useAsync';

/** Every page of ListCases for a unit ("" for whatever the person's role sees). */
function listAll(unit: string): Promise<Case[]> {
  return collectPages(async (pageToken) => {
    const res = await casesClient.listCases({ unit, page: { pageSize: 200, pageToken } });
    return { items: res.cases, next: res.page?.nextPageToken ?? '' };
  });
}

/**
 * A unit's cases and the county cases it follows ("" for whatever the person's role sees: a unit
 * key sees its own whatever it asks), while `enabled`.
 */
export function useCaseList(unit: MaybeRefOrGetter<string>, options: AsyncOptions & { enabled?: MaybeRefOrGetter<boolean> } = {}) {
  return useLoad<Case[], [string, boolean]>(
    () => listAll(toValue(unit)),
    () => [toValue(unit), options.enabled === undefined ? true : toValue(options.enabled)],
    { ...options, ready: ([, enabled]) => enabled },
  );
}

export function useCase(id: MaybeRefOrGetter<string>) {
  return useLoad<Case, string>(() => casesClient.getCase({ id: toValue(id) }), () => toValue(id), { forbiddenPage: true });
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
