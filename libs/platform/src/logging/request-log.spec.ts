import { Writable } from 'node:stream';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Fastify from 'fastify';
import pino from 'pino';
import { StoreUnavailableError } from '@pz/event-store';
import { DomainExceptionFilter } from '../http/domain-exception.filter';
import { appLogOptions, correlationIdFor, RequestLog } from './logger-options';

interface Line {
  level: number;
  msg: string;
  correlationId?: string;
  context?: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  responseTime?: number;
}

/** A real Fastify server with the service's logger and request log, writing JSON lines into `lines`. */
function server(lines: Line[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino(appLogOptions('info'), sink), logController: new RequestLog(), genReqId: correlationIdFor });
  const filter = new DomainExceptionFilter();
  // What Nest does with an exception a handler throws: the filter answers with request and reply.
  app.get('/fails', (request, reply) => filter.catch(new Error('boom at the bottom'), new ExecutionContextHost([request, reply])));
  app.post('/unavailable', (request, reply) =>
    filter.catch(new StoreUnavailableError('disk full'), new ExecutionContextHost([request, reply])),
  );
  app.get('/fine', async () => ({ ok: true }));
  return app;
}

describe('request log', () => {
  it('writes one line per request, on completion, with the correlation id and no query string', async () => {
    const lines: Line[] = [];
    const app = server(lines);
    const res = await app.inject({ method: 'GET', url: '/fine?token=secret-token', headers: { 'x-correlation-id': 'corr-fine' } });
    expect(res.statusCode).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      correlationId: 'corr-fine',
      req: { id: 'corr-fine', method: 'GET', path: '/fine' },
      res: { statusCode: 200 },
    });
    expect(lines[0].responseTime).toEqual(expect.any(Number));
    expect(JSON.stringify(lines)).not.toContain('secret-token');
    await app.close();
  });

  it("logs what went wrong in a 500 under the request's correlation id, and the request as errored", async () => {
    const lines: Line[] = [];
    const app = server(lines);
    const res = await app.inject({ method: 'GET', url: '/fails', headers: { 'x-correlation-id': 'corr-500' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    const cause = lines.find((l) => l.msg?.includes('boom at the bottom'));
    expect(cause).toMatchObject({ level: 50, context: 'HTTP', correlationId: 'corr-500' });
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'request errored', correlationId: 'corr-500', res: { statusCode: 500 } });
    await app.close();
  });

  it('logs an unavailable store under the correlation id too (503)', async () => {
    const lines: Line[] = [];
    const app = server(lines);
    const res = await app.inject({ method: 'POST', url: '/unavailable', headers: { 'x-correlation-id': 'corr-503' } });
    expect(res.statusCode).toBe(503);
    expect(lines.find((l) => l.msg?.includes('disk full'))).toMatchObject({ level: 50, correlationId: 'corr-503' });
    await app.close();
  });
});
