import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/environment';
import { appLogger, correlationIdFor, RequestLog } from '../logging/logger-options';
import { errorBody } from './domain-exception.filter';
import { setRevisionEtag } from './etag';
import { IdempotencyKeys } from './idempotency';
import { BODY_LIMIT_BYTES, readFormBody, readJsonBody } from './json-body';
import { isPageRoute, WEB_SHELL, WebShell } from './page-routes';
import { validationPipe } from './validation';

export { BODY_LIMIT_BYTES } from './json-body';

/** What Express's `cors` allowed by default, kept for browsers calling from CORS_ORIGINS. */
const CORS_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/**
 * The HTTP server every app runs on (main.ts, the end-to-end tests, the benchmark): Fastify, set
 * up to answer as Express did.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    // The request log: one line per request, with its correlation id (see logger-options.ts).
    loggerInstance: appLogger(config.nodeEnv),
    logController: new RequestLog(),
    // Behind a reverse proxy, rate limits must see the client, not the proxy.
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // The request id is the correlation id: the caller's X-Correlation-Id when well-formed, else
    // a new one.
    genReqId: (req: IncomingMessage) => correlationIdFor(req),
    // Routes match as Express matched them: any case, with or without a trailing slash, and a
    // parameter as long as the URL (an audit stream id may be 200 characters).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // Node's own defaults, as the Express server had (Fastify would wait 72 s / forever).
    keepAliveTimeout: 5_000,
    requestTimeout: 300_000,
    // A URL that cannot be decoded is the client's mistake, answered in the API's error shape.
    frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) => {
      void reply.code(400).send(errorBody(400, `Failed to decode param '${undecodable(request.raw.url ?? '')}'`));
    },
  });
}

/** Creates a configured app on Fastify (not yet initialised or listening). */
export async function createHttpApp(
  module: DynamicModule,
  config: AppConfig,
  options: NestApplicationOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(config), {
    bufferLogs: true,
    ...options,
    // Our JSON parser replaces Nest's (see configureHttpApp).
    bodyParser: false,
  });
  return configureHttpApp(app, config);
}

/** Creates the app on Fastify and serves it on `config.port` (what apps' main.ts run). */
export async function serveHttp(module: DynamicModule, config: AppConfig, name: string): Promise<NestFastifyApplication> {
  const app = await createHttpApp(module, config);
  await listenOnAllInterfaces(app, config.port);
  app.get(Logger).log(`${name} listening on ${config.port} (event store: ${config.eventStore}, public URL ${config.publicUrl})`);
  return app;
}

/**
 * Listens on every interface, as Express (Node) did given only a port: IPv6 and IPv4 where the
 * host has IPv6, IPv4 alone where it has not. (Fastify alone would listen on localhost only.)
 */
export async function listenOnAllInterfaces(app: NestFastifyApplication, port: number): Promise<void> {
  try {
    await app.listen({ port, host: '::' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen({ port, host: '0.0.0.0' });
  }
}

/** Everything an HTTP app needs beyond its modules; shared by main.ts, the end-to-end tests and the benchmark. */
export async function configureHttpApp<App extends INestApplication>(nestApp: App, config: AppConfig): Promise<App> {
  if (nestApp.getHttpAdapter().getType() !== 'fastify') {
    throw new Error('configureHttpApp needs an app created on createHttpAdapter(config) (Fastify)');
  }
  const app = nestApp as unknown as NestFastifyApplication;
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();

  // JSON only, read as Express read it (64 KB after decompression, strict, charset, encodings),
  // and too deep, prototype keys, unrepresentable text refused (400) before any guard, pipe or
  // interceptor walks the body. Any other content is left unparsed: a route that wants a body
  // answers 415, one that does not ignores it (an RFC 8058 one-click unsubscribe posts a form).
  // One parser for every content type, so that what counts as JSON is decided in one place.
  fastify.removeAllContentTypeParsers();
  // body-parser reads the raw Node request, as it did under Express (no preParsing hook replaces it).
  // Page routes take forms instead (and only forms): see page-routes.ts.
  fastify.addContentTypeParser('*', (request: FastifyRequest) => (isPageRoute(request) ? readFormBody(request.raw) : readJsonBody(request.raw)));
  fastify.addHook('onRequest', echoCorrelationId);
  fastify.addHook('preSerialization', setRevisionEtag);
  const idempotency = app.get(IdempotencyKeys);
  fastify.addHook('onSend', idempotency.keepRequest);
  // Not on onRequestAbort: a client that hangs up does not stop its handler, and a duplicate must
  // go on waiting for it (its answer is kept in onSend all the same).
  fastify.addHook('onResponse', (request, _reply, done) => {
    idempotency.release(request);
    done();
  });
  // Fastify sends no X-Powered-By and no ETag of its own: our ETags are stream revisions (If-Match).
  void fastify.register(helmet, {
    // The OpenAPI UI at /docs runs inline scripts; everything else is JSON.
    contentSecurityPolicy: false,
  });
  // Loaded now, before Nest registers its routes, so the plugins' route hooks see every route.
  await webShellOf(app)?.configure(fastify);
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, methods: CORS_METHODS, strictPreflight: false });
  }
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('People Zones Grants')
      .setDescription(
        'Event-sourced grant rounds for the OPCC Leicester, Leicestershire and Rutland People Zones. ' +
          'Every write is an event; read models follow the log. Roles: applicant, panel, staff, auditor.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  // The OpenAPI UI names its text types without a charset; Express added "; charset=utf-8".
  fastify.addHook('onRoute', (route) => {
    if (/^\/docs(?:$|[/-])/.test(route.url)) route.onSend = [...[route.onSend ?? []].flat(), withUtf8Charset];
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return nestApp;
}

/** The web's shell, when the app serves pages. */
export function webShellOf(app: INestApplication): WebShell | undefined {
  try {
    return app.get<WebShell>(WEB_SHELL, { strict: false });
  } catch {
    return undefined;
  }
}

/** The first segment of a path that is not valid percent-encoding (Express named it so). */
function undecodable(url: string): string {
  for (const segment of url.split('?')[0].split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return url;
}

function withUtf8Charset(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && !type.includes('charset') && /^(?:text\/|application\/javascript)/.test(type)) {
    void reply.header('content-type', `${type}; charset=utf-8`);
  }
  done(null, payload);
}

/** Every answer carries the request's correlation id (on the raw response: streamed answers too). */
function echoCorrelationId(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.raw.setHeader('X-Correlation-Id', request.id);
  done();
}
