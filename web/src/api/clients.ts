// The one way the console talks to the server: Connect clients generated from proto/ (npm run gen),
// over one transport to the gateway on this origin (JSON; the session cookie rides along).
import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import type { DescMethod } from '@bufbuild/protobuf';
import type { MethodKey } from './methodKeys';
export { methodPath } from './methodPath';
import { DutyService } from '@/gen/yingshang/duty/v1/duty_pb';
import { ConsoleService } from '@/gen/yingshang/gateway/v1/gateway_pb';
import { CatalogService } from '@/gen/yingshang/indicator/v1/catalog_pb';
import { RedemptionService } from '@/gen/yingshang/indicator/v1/redemption_pb';
import { DocumentService } from '@/gen/yingshang/notify/v1/documents_pb';
import { NotifyService } from '@/gen/yingshang/notify/v1/notify_pb';
import { RankingQuery } from '@/gen/yingshang/ranking/v1/query_pb';
import { RectificationService } from '@/gen/yingshang/rectification/v1/rectification_pb';

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called when a call fails because the session is gone (not for the login calls themselves). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const sessionInterceptor: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code === Code.Unauthenticated && req.service.typeName !== ConsoleService.typeName) {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw err;
  }
};

export const transport = createConnectTransport({
  baseUrl: window.location.origin,
  useBinaryFormat: false,
  fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
  interceptors: [sessionInterceptor],
});

export const consoleClient = createClient(ConsoleService, transport);
export const rankingClient = createClient(RankingQuery, transport);
export const casesClient = createClient(RectificationService, transport);
export const notifyClient = createClient(NotifyService, transport);
export const dutyClient = createClient(DutyService, transport);
export const redemptionClient = createClient(RedemptionService, transport);
export const catalogClient = createClient(CatalogService, transport);
export const documentsClient = createClient(DocumentService, transport);

export const methods: Record<MethodKey, DescMethod> = {
  getScorecard: RankingQuery.method.getScorecard,
  getHistory: RankingQuery.method.getHistory,
  getIndicatorRanking: RankingQuery.method.getIndicatorRanking,
  listAlerts: RankingQuery.method.listAlerts,
  listConsequences: RankingQuery.method.listConsequences,
  getGoals: RankingQuery.method.getGoals,
  getCompleteness: RankingQuery.method.getCompleteness,
  listCases: RectificationService.method.listCases,
  getCase: RectificationService.method.getCase,
  reportProgress: RectificationService.method.reportProgress,
  getStats: RectificationService.method.getStats,
  listInbox: NotifyService.method.listInbox,
  unreadCount: NotifyService.method.unreadCount,
  getRoster: DutyService.method.getRoster,
  register: DutyService.method.register,
  fileRecord: DutyService.method.fileRecord,
  getCompliance: DutyService.method.getCompliance,
  getDirectory: DutyService.method.getDirectory,
  getRedemptionSummary: RedemptionService.method.getRedemptionSummary,
  listRegions: CatalogService.method.listRegions,
  resolveUnit: CatalogService.method.resolveUnit,
  listUnits: CatalogService.method.listUnits,
  listIndicators: CatalogService.method.listIndicators,
  uploadAttachment: ConsoleService.method.uploadAttachment,
  draftDocument: DocumentService.method.draftDocument,
  getDocument: DocumentService.method.getDocument,
  listDocuments: DocumentService.method.listDocuments,
  setCommentary: DocumentService.method.setCommentary,
  setItems: DocumentService.method.setItems,
  issueDocument: DocumentService.method.issueDocument,
  correctDocument: DocumentService.method.correctDocument,
  renderDocument: DocumentService.method.renderDocument,
  listItems: DocumentService.method.listItems,
};
