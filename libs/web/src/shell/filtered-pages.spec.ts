import { filteredPageOf } from './filtered-pages';

describe('filteredPageOf', () => {
  const items = Array.from({ length: 120 }, (_, i) => i);

  it('keeps the filters in every link to another page, and leaves out empty ones', () => {
    const page = filteredPageOf(items, '2', '/staff/grants', { zone: 'new-parks', rating: '', overdue: 'any' }, 50);
    expect(page.items).toEqual(items.slice(50, 100));
    expect(page.previous).toEqual({ href: '/staff/grants?zone=new-parks&overdue=any' });
    expect(page.next).toEqual({ href: '/staff/grants?zone=new-parks&overdue=any&page=3' });
    expect(page.links.map((l) => [l.href, l.current])).toEqual([
      ['/staff/grants?zone=new-parks&overdue=any', false],
      ['/staff/grants?zone=new-parks&overdue=any&page=2', true],
      ['/staff/grants?zone=new-parks&overdue=any&page=3', false],
    ]);
  });

  it('without filters, is the plain path; a page past the end is the last', () => {
    const page = filteredPageOf(items, '9', '/awards', { year: '' }, 50);
    expect(page.page).toBe(3);
    expect(page.links[0].href).toBe('/awards');
    expect(page.previous).toEqual({ href: '/awards?page=2' });
  });

  it('escapes what was typed into a filter', () => {
    expect(filteredPageOf(items, '1', '/auditor', { q: 'a&b=c' }, 50).next).toEqual({ href: '/auditor?q=a%26b%3Dc&page=2' });
  });
});
