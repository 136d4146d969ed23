import { PAGE_SIZE, Paged, pageOf } from './pagination';

/**
 * One page of a filtered list: as `pageOf`, but the links to the other pages keep the filters
 * (`?zone=new-parks&page=2`), so paging never loses what the person chose.
 */
export function filteredPageOf<T>(all: T[], requested: string | undefined, path: string, filters: Record<string, string>, size = PAGE_SIZE): Paged<T> {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  const paged = pageOf(all, requested, '\u0000', size);
  const href = (h: { href: string }) => {
    const page = /page=(\d+)/.exec(h.href)?.[1];
    const parts = [query, page ? `page=${page}` : ''].filter((p) => p !== '').join('&');
    return { href: parts ? `${path}?${parts}` : path };
  };
  return {
    ...paged,
    previous: paged.previous && href(paged.previous),
    next: paged.next && href(paged.next),
    links: paged.links.map((l) => ({ ...l, ...href(l) })),
  };
}
