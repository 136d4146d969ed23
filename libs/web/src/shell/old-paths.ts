import type { FastifyReply, FastifyRequest } from 'fastify';
import { preferredType } from '@pz/platform';

/**
 * JSON paths that older emails linked to, and the page each now is (web.md: a browser's GET of
 * one, asking for HTML without a token, is redirected; API callers are answered as before).
 */
const OLD_PATHS: Array<[RegExp, (m: RegExpMatchArray, query: string) => string]> = [
  [/^\/applications\/([0-9a-f-]{36})\/?$/i, (m) => `/my/applications/${m[1]}`],
  [/^\/rounds\/([0-9a-f-]{36})\/?$/i, (m) => `/funding/${m[1]}`],
  [/^\/subscriptions\/confirm\/?$/i, (_m, query) => `/alerts/confirm${query}`],
  [/^\/subscriptions\/unsubscribe\/?$/i, (_m, query) => `/alerts/unsubscribe${query}`],
];

export function oldPathRedirect(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.method !== 'GET' || request.headers.authorization) return done();
  const [path, ...rest] = request.url.split('?');
  const query = rest.length > 0 ? `?${rest.join('?')}` : '';
  for (const [pattern, page] of OLD_PATHS) {
    const match = path.match(pattern);
    if (!match) continue;
    if (preferredType(request.headers.accept, ['application/json', 'text/html']) !== 'text/html') return done();
    void reply.code(301).header('location', page(match, query)).header('cache-control', 'no-store').send();
    return;
  }
  done();
}
