/** One page of a long list, with what the GOV.UK pagination component needs to link the others. */
export interface Paged<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  previous?: { href: string };
  next?: { href: string };
  links: Array<{ number: number; href: string; current: boolean }>;
}

export const PAGE_SIZE = 20;

export function pageOf<T>(all: T[], requested: string | undefined, path: string, size = PAGE_SIZE): Paged<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const asked = Number.parseInt(requested ?? '1', 10);
  const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  const href = (n: number) => (n === 1 ? path : `${path}?page=${n}`);
  return {
    items: all.slice((page - 1) * size, page * size),
    page,
    pages,
    total: all.length,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    links: Array.from({ length: pages }, (_, i) => ({ number: i + 1, href: href(i + 1), current: i + 1 === page })),
  };
}
