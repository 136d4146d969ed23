import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Params } from 'nestjs-pino';
import pino, { type Logger, type LoggerOptions } from 'pino';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * A caller's correlation id is reused when it is well-formed; otherwise we mint one. The HTTP
 * server makes it the request id and echoes it on every answer (configure-http-app.ts).
 */
export function correlationIdFor(req: IncomingMessage): string {
  const given = req.headers['x-correlation-id'] ?? req.headers['x-request-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
}

/** What a request line says of the request: never headers, bodies or the query string. */
function requestSummary(req: { id?: unknown; method?: string; url?: string }) {
  return { id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] };
}

function logLevel(nodeEnv: string): string {
  return process.env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
}

const loggers = new Map<string, Logger>();

/**
 * The process's one pino logger (per level), shared by Nest's application log (nestjs-pino) and
 * Fastify's request log. JSON with no personal data: bodies are never logged, query strings
 * (which can carry unsubscribe tokens) are cut, and credentials are never serialised.
 */
export function appLogger(nodeEnv: string): Logger {
  const level = logLevel(nodeEnv);
  let logger = loggers.get(level);
  if (!logger) loggers.set(level, (logger = pino(appLogOptions(level))));
  return logger;
}

/** The options of that logger (what it writes, and what it never does). */
export function appLogOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: {
      req: requestSummary,
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

/**
 * nestjs-pino for the application log only. Its per-request middleware (pino-http, and an
 * AsyncLocalStorage scope per request) is not mounted on any route: the request log is
 * Fastify's own (RequestLog below). Measured on GET /zones, that middleware took the server
 * from ~31,000 to ~9,000 requests/s: AsyncLocalStorage alone turns on promise hooks for every
 * promise in the process. Lines logged while serving a request carry its id because they are
 * written through the request's own logger (`request.log`), as the exception filter does.
 */
export function loggerOptions(nodeEnv: string): Params {
  return { pinoHttp: { logger: appLogger(nodeEnv) }, useExisting: true, forRoutes: [] };
}

/**
 * Fastify's request log, one line per request on completion (Fastify would also log its
 * arrival): `correlationId` at the top level, so every line of a request can be found by it,
 * and the request summarised. A 5xx answer is logged as an error, as pino-http did.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'correlationId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error || reply.statusCode >= 500) reply.log.error(error ? { ...line, err: error } : line, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
