import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';

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
function requestSummary(req: IncomingMessage & { id?: unknown }) {
  return { id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] };
}

/**
 * JSON logs with no personal data: bodies are never logged, query strings (which can carry
 * unsubscribe tokens) are cut, and credentials are never serialised.
 *
 * Per request, the only child logger is the one binding `correlationId` (top-level, so every
 * line logged while serving a request can be found by its id). pino-http's default builds two
 * more (one binding the whole request, one for customProps), serialising them on every request:
 * about 15 % of the server's CPU on the cheapest route. The request is summarised once, on the
 * completion line, instead.
 */
export function loggerOptions(nodeEnv: string): Params {
  return {
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
      genReqId: correlationIdFor,
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      customSuccessObject: (req, _res, value: object) => ({ ...value, req: requestSummary(req) }),
      customErrorObject: (req, _res, _error, value: object) => ({ ...value, req: requestSummary(req) }),
      serializers: {
        req: requestSummary,
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
