// Reads every page of a paged call (common.v1.PageRequest/PageResponse), up to a limit.

export interface Page<T> {
  items: T[];
  next: string;
}

export async function collectPages<T>(
  fetchPage: (pageToken: string) => Promise<Page<T>>,
  maxPages = 20,
): Promise<T[]> {
  const all: T[] = [];
  let token = '';
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(token);
    all.push(...page.items);
    if (!page.next) break;
    token = page.next;
  }
  return all;
}
