import { preferredType } from './accept';

/** Expected answers are what Express's `req.accepts(['application/json', 'text/html'])` gave. */
describe('preferredType: JSON or an HTML page, as the Accept header asks', () => {
  const types = ['application/json', 'text/html'];
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['text/html', 'text/html'],
    ['TEXT/HTML', 'text/html'],
    ['text/html,application/xhtml+xml,*/*;q=0.8', 'text/html'],
    ['text/*', 'text/html'],
    ['*/html', 'text/html'],
    ['text/*;q=0.5, application/json;q=0.4', 'text/html'],
    ['application/json;q=0.5, text/html;q=0.5', 'application/json'],
    ['text/html;q=0.5, application/json;q=0.5', 'text/html'],
    ['*/*;q=0.1, text/html;q=0.1', 'text/html'],
    ['text/html; q=0.9, */*', 'application/json'],
    ['text/html;q=0.8, application/*;q=0.8', 'text/html'],
    ['text/html;charset=*', 'text/html'],
    ['text/html;level=1', undefined],
    ['text/html;q=0', undefined],
    ['text/html;q=abc', undefined],
    ['image/png', undefined],
    ['application/xhtml+xml', undefined],
  ])('%j -> %s', (accept, expected) => {
    expect(preferredType(accept, types)).toBe(expected);
  });
});
