import { createHash } from 'node:crypto';
import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UnprocessableEntityException,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth-user';
import { READ_MODEL_DB } from '../store/read-models.service';

const KEY = /^[\x21-\x7e]{1,200}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface StoredResponse {
  request_hash: string;
  status: number;
  body: string;
}

/**
 * The answers kept for `Idempotency-Key`s, and the requests running under one, for the whole
 * process (an interceptor named on routes is instantiated once per module).
 */
@Injectable()
export class IdempotencyKeys {
  readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly stmts;

  constructor(@Inject(READ_MODEL_DB) db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (scope, key))`);
    this.stmts = {
      get: db.prepare('SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?'),
      put: db.prepare(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  stored(scope: string, key: string): StoredResponse | undefined {
    return this.stmts.get.get(scope, key) as StoredResponse | undefined;
  }

  keep(scope: string, key: string, requestHash: string, status: number, body: unknown): void {
    this.stmts.put.run(scope, key, requestHash, status, JSON.stringify(body ?? null), new Date().toISOString());
  }
}

/**
 * `Idempotency-Key` on writes: the first successful answer is kept per caller and key; the same
 * key with the same request gets that answer again without running anything, the same key with
 * a different request is a 422. Failed requests wrote nothing, so they are not kept and may be
 * retried. Concurrent duplicates wait for the first. (Event ids derived from the key make a
 * duplicate that slips past this — another process — a no-op in the store as well.)
 *
 * Named on each write route with `@Idempotent()` rather than installed globally: an interceptor
 * puts every request of its routes through Nest's RxJS chain and AsyncResources, a cost reads
 * should not pay (test/idempotency.e2e.spec.ts checks that every write route has it).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyKeys,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!WRITES.has(request.method) || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new BadRequestException(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
    }
    const scope = request.user?.sub ?? `anonymous:${request.ip}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');
    const reply = http.getResponse<FastifyReply>();
    const slot = `${scope}\u0000${key}`;
    const inFlight = this.keys.inFlight;

    const run = async (): Promise<unknown> => {
      // Wait out a duplicate in flight; it has stored its answer by the time it settles.
      for (let earlier = inFlight.get(slot); earlier; earlier = inFlight.get(slot)) {
        await earlier.catch(() => undefined);
      }
      const stored = this.keys.stored(scope, key);
      if (stored) return this.replay(stored, requestHash, reply);

      const work = (async () => {
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const status =
          this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
        this.keys.keep(scope, key, requestHash, status, body);
        return body;
      })();
      inFlight.set(slot, work);
      try {
        return await work;
      } finally {
        if (inFlight.get(slot) === work) inFlight.delete(slot);
      }
    };
    return from(run());
  }

  private replay(stored: StoredResponse, requestHash: string, reply: FastifyReply): unknown {
    if (stored.request_hash !== requestHash) {
      throw new UnprocessableEntityException(
        'This Idempotency-Key was already used for a different request; use a new key for a new request',
      );
    }
    void reply.code(stored.status).header('Idempotent-Replayed', 'true');
    return JSON.parse(stored.body);
  }
}

/** Marks a write route as honouring `Idempotency-Key` (every write route must). */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
