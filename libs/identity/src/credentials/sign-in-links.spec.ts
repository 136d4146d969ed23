import { safeNext } from './sign-in-links';

describe('safeNext: where a person may be sent after signing in', () => {
  it.each(['/my', '/my/applications/new?round=r1', '/staff/people/invite?restore=abc', '/account#tokens'])('keeps a path on this service: %s', (path) => {
    expect(safeNext(path)).toBe(path);
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative address', '//evil.example/'],
    ['a backslash trick', '/\\evil.example'],
    ['a relative path', 'my'],
    ['a control character', '/my\n'],
    ['a space', '/my page'],
    ['something too long', `/${'a'.repeat(600)}`],
    ['not text', 42],
  ])('refuses %s', (_what, next) => {
    expect(safeNext(next)).toBeNull();
  });
});
