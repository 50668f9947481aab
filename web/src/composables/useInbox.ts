// The in-app inbox (NotifyService): the list, marking read, and the header's unread badge, shared
// so marking here updates the badge there.
import { ref, toValue, type MaybeRefOrGetter } from 'vue';
import { methods, notifyClient } from '@/api/clients';
import { collectPages } from '@/api/paging';
import type { InboxItem } from '@/gen/yingshang/notify/v1/notify_pb';
import { useLoad } from './useAsync';
import { can } from './useSession';

const unread = ref(0);

export async function refreshUnread(recipientId: string): Promise<void> {
  if (!recipientId || !can(methods.unreadCount)) return;
  try {
    unread.value = (await notifyClient.unreadCount({ recipientId })).unread;
  } catch {
    // The badge is a hint: a failed count keeps the last one.
  }
}

export function useUnread() {
  return unread;
}

export function useInbox(recipientId: MaybeRefOrGetter<string>, unreadOnly: MaybeRefOrGetter<boolean>) {
  const state = useLoad<InboxItem[], [string, boolean]>(
    () =>
      collectPages(async (pageToken) => {
        const res = await notifyClient.listInbox({
          recipientId: toValue(recipientId),
          unreadOnly: toValue(unreadOnly),
          page: { pageSize: 100, pageToken },
        });
        unread.value = res.unread;
        return { items: res.items, next: res.page?.nextPageToken ?? '' };
      }, 5),
    () => [toValue(recipientId), toValue(unreadOnly)],
    { ready: ([r]) => !!r },
  );

  async function markRead(ids: string[], all = false): Promise<number> {
    const res = await notifyClient.markRead({ recipientId: toValue(recipientId), ids, all });
    await Promise.all([state.run(), refreshUnread(toValue(recipientId))]);
    return res.marked;
  }

  return { ...state, markRead };
}
