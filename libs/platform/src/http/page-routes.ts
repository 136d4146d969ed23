import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The two kinds of route (web.md): JSON routes take Bearer tokens and parse JSON only; page routes
 * take the session cookie, parse forms and check a CSRF token on every POST. A page route says so
 * in its Fastify route config (set by the web's @PageGet/@PagePost), which every layer reads: the
 * body parser, the guards, the error filter.
 */
export interface PageRouteConfig {
  page?: true;
}

export function isPageRoute(request: Pick<FastifyRequest, 'routeOptions'>): boolean {
  return (request.routeOptions?.config as PageRouteConfig | undefined)?.page === true;
}

/**
 * The web's part of the HTTP server, set up with everything else before any route is registered:
 * cookies, CSRF, views, assets, compression. Provided under WEB_SHELL by the web module when an
 * app has pages (the API alone has none).
 */
export interface WebShell {
  configure(fastify: FastifyInstance): Promise<void>;
  /** Whether an error for this request is answered with a page (a page route, or a browser's GET). */
  wantsErrorPage(request: FastifyRequest): boolean;
  sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, messages: string[]): Promise<void>;
}

export const WEB_SHELL = Symbol('WebShell');
