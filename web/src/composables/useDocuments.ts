// The 调度会材料 and the 通报 (DocumentService, served by notify): the list, one document, the office's
// edits, and the downloads (RenderDocument: the bytes come as a Uint8Array, saved under the server's
// file name). The service decides every call: a unit or a county gets its own extract only.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { catalogClient, documentsClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import {
  RenderFormat,
  type Document,
  type DocumentKind,
  type SupervisionItem,
} from '@/gen/yingshang/notify/v1/documents_pb';
import { downloadName } from '@/logic/documents';
import { useLoad } from './useAsync';

/** Every document of a kind (UNSPECIFIED: both), newest first, without content. */
export function useDocumentList(kind: MaybeRefOrGetter<DocumentKind>) {
  return useLoad<Document[], DocumentKind>(
    () =>
      collectPages(async (pageToken) => {
        const res = await documentsClient.listDocuments({ kind: toValue(kind), page: { pageSize: 100, pageToken } });
        return { items: res.documents, next: res.page?.nextPageToken ?? '' };
      }, 10),
    () => toValue(kind),
    { ready: () => true, forbiddenPage: true },
  );
}

export function useDocument(id: MaybeRefOrGetter<string>) {
  return useLoad<Document, string>(() => documentsClient.getDocument({ id: toValue(id) }), () => toValue(id), {
    forbiddenPage: true,
  });
}

export function draftDocument(kind: DocumentKind, period: string): Promise<Document> {
  return documentsClient.draftDocument({ kind, period });
}

export function setCommentary(id: string, sectionKey: string, commentary: string): Promise<Document> {
  return documentsClient.setCommentary({ id, sectionKey, commentary });
}

/** Replaces the 督办事项 (the service numbers them 1..). */
export function setItems(id: string, items: Partial<SupervisionItem>[]): Promise<Document> {
  return documentsClient.setItems({
    id,
    items: items.map((i) => ({
      unit: i.unit ?? '',
      regionCode: i.regionCode ?? '',
      indicatorCode: i.indicatorCode ?? '',
      title: i.title ?? '',
      description: i.description ?? '',
      head: i.head ?? '',
      lead: i.lead ?? '',
    })),
  });
}

export function issueDocument(id: string, number: string): Promise<Document> {
  return documentsClient.issueDocument({ id, number });
}

export function correctDocument(id: string, reason: string): Promise<Document> {
  return documentsClient.correctDocument({ id, reason });
}

/** Renders a document (or a recipient's extract) and saves it as the browser's download. */
export async function downloadDocument(id: string, format: 'pdf' | 'xlsx', extractFor: string): Promise<void> {
  const res = await documentsClient.renderDocument({
    id,
    format: format === 'pdf' ? RenderFormat.PDF : RenderFormat.XLSX,
    extractFor,
  });
  // A copy over its own ArrayBuffer: the Blob takes whole buffers, not a view into a shared one.
  const blob = new Blob([res.data.slice()], { type: res.contentType || 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(res.fileName, id, format);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked after the click has handed the file to the browser.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The catalog's units and first-level indicators, for the 督办事项 form (empty when not allowed). */
export async function itemChoices(): Promise<{ units: string[]; indicators: { code: string; name: string }[] }> {
  const [units, indicators] = await Promise.all([
    collectPages(async (pageToken) => {
      const res = await catalogClient.listUnits({ page: { pageSize: 200, pageToken } });
      return { items: res.units.filter((u) => !u.retired).map((u) => u.name), next: res.page?.nextPageToken ?? '' };
    }, 5).catch(() => [] as string[]),
    collectPages(async (pageToken) => {
      const res = await catalogClient.listIndicators({ page: { pageSize: 200, pageToken } });
      return { items: res.indicators.map((i) => ({ code: i.code, name: i.name })), next: res.page?.nextPageToken ?? '' };
    }, 5).catch(() => [] as { code: string; name: string }[]),
  ]);
  return { units, indicators };
}
