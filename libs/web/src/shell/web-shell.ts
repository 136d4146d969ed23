import { join } from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import nunjucks from 'nunjucks';
import { APP_CONFIG, AppConfig, deriveKey, isPageRoute, preferredType, WebShell } from '@pz/platform';
import { PROJECT_ROOT, WebAssets } from './assets';
import { oldPathRedirect } from './old-paths';
import { PageRenderer } from './page-renderer';
import { pounds, ukDate, ukDateTime, ukTime } from './uk-format';
import { Visitors } from './visitors';

/** Where the pages' templates are: beside the controllers, under libs/web/src (copied into dist by the build). */
export const VIEWS_DIR = join(__dirname, '..');

const ERROR_TITLES: Record<number, string> = {
  400: 'There is a problem with what was sent',
  403: 'You cannot do that',
  404: 'Page not found',
  409: 'Someone else changed this',
  413: 'What was sent is too large',
  429: 'Too many requests',
  503: 'Sorry, the service is unavailable',
};

/**
 * The web's part of the HTTP server (see WebShell in @pz/platform): cookies, CSRF on every page
 * POST, Nunjucks views with the GOV.UK Design System's macros, fingerprinted assets, compressed
 * pages, and error pages for browsers.
 */
@Injectable()
export class WebShellSetup implements WebShell {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assets: WebAssets,
    private readonly pages: PageRenderer,
    private readonly visitors: Visitors,
  ) {}

  async configure(fastify: FastifyInstance): Promise<void> {
    const development = this.config.nodeEnv === 'development' || this.config.nodeEnv === 'test';
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const page = (route.config as { page?: boolean } | undefined)?.page === true;
      if (!page) return;
      const admit = (request: FastifyRequest, reply: FastifyReply) => this.admit(request, reply);
      // Every form's POST: a missing or wrong CSRF token is a 403 and nothing runs.
      const csrf = [route.method].flat().includes('POST') ? [(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => fastify.csrfProtection(request, reply, done)] : [];
      route.preHandler = [...csrf, admit, ...[route.preHandler ?? []].flat()] as RouteOptions['preHandler'];
    });
    fastify.addHook('onRequest', oldPathRedirect);
    await fastify.register(fastifyCookie, { secret: deriveKey(this.config, 'cookie-signing').toString('base64') });
    await fastify.register(fastifyCsrf, {
      cookieKey: 'pz_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: !development, signed: true },
      getToken: (request: FastifyRequest) => (request.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
    });
    // Pages compress themselves (PageRenderer); assets were compressed once, at build; the JSON
    // API answers exactly as before.
    await fastify.register(fastifyCompress, { global: false, globalDecompression: false, encodings: ['br', 'gzip'], threshold: 1024 });
    await fastify.register(fastifyView, {
      engine: { nunjucks },
      templates: [VIEWS_DIR, join(PROJECT_ROOT, 'node_modules', 'govuk-frontend', 'dist')],
      production: !development || this.config.nodeEnv === 'test',
      options: {
        // Every value is escaped unless a template says otherwise.
        autoescape: true,
        onConfigure: (env: nunjucks.Environment) => {
          env.addFilter('ukDate', ukDate);
          env.addFilter('ukTime', ukTime);
          env.addFilter('ukDateTime', ukDateTime);
          env.addFilter('pounds', pounds);
        },
      },
    });
    await fastify.register(fastifyStatic, {
      root: this.assets.dir,
      prefix: '/assets/',
      decorateReply: false,
      // Names carry their content's hash: a year, and never revalidated.
      maxAge: '365d',
      immutable: true,
      preCompressed: true,
      index: false,
      allowedPath: (path) => !path.endsWith('manifest.json'),
    });
  }

  /** Who is on the page and whether they may be (see Visitors): sign in first, or a 403 page for another role's area. */
  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const admission = await this.visitors.admit(request, reply);
    if (admission.admitted) return;
    if ('signIn' in admission) return this.pages.redirect(reply, admission.signIn);
    return this.sendErrorPage(request, reply, 403, ['This part of the service is not open to your account. If you think it should be, ask the grants team.']);
  }

  wantsErrorPage(request: FastifyRequest): boolean {
    if (isPageRoute(request)) return true;
    // No route at all (a mistyped address): a browser, asking for a page without a token, gets one.
    const unrouted = !request.routeOptions?.url;
    return unrouted && (request.method === 'GET' || request.method === 'HEAD') && !request.headers.authorization && prefersHtml(request);
  }

  async sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, messages: string[]): Promise<void> {
    const title = ERROR_TITLES[status] ?? (status >= 500 ? 'Sorry, there is a problem with the service' : 'There is a problem');
    // Only client errors' messages are for the reader; a fault of ours says nothing of its cause.
    const detail = status < 500 && status !== 404 ? messages : [];
    await this.pages.render(request, reply, 'shell/error', { title, status, detail, noIndex: true }, status);
  }
}

export function prefersHtml(request: FastifyRequest): boolean {
  return preferredType(request.headers.accept, ['application/json', 'text/html']) === 'text/html';
}
