import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** A caller's correlation id is reused when it is well-formed; otherwise we mint one. */
export function correlationIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-correlation-id'] ?? req.headers['x-request-id'];
  const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Correlation-Id', id);
  return id;
}

/**
 * JSON logs with no personal data: bodies are never logged, query strings (which can carry
 * unsubscribe tokens) are cut, and credentials are redacted.
 */
export function loggerOptions(nodeEnv: string): Params {
  return {
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
      genReqId: correlationIdFor,
      // Top-level, so every line logged while serving a request can be found by its id.
      customProps: (req: IncomingMessage & { id?: unknown }) => ({ correlationId: req.id }),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
