import { createHash } from 'node:crypto';
import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth-user';
import { READ_MODEL_DB } from '../store/read-models.service';
import { enforceBodyContract } from './body-contract';

const KEY = /^[\x21-\x7e]{1,200}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface StoredResponse {
  request_hash: string;
  status: number;
  body: string;
}

/**
 * `Idempotency-Key` on writes: the first successful answer is kept per caller and key; the same
 * key with the same request gets that answer again without running anything, the same key with
 * a different request is a 422. Failed requests wrote nothing, so they are not kept and may be
 * retried. Concurrent duplicates wait for the first. (Event ids derived from the key make a
 * duplicate that slips past this — another process — a no-op in the store as well.)
 *
 * It is the app's only global interceptor, so it also enforces the body contract (see
 * body-contract.ts) where a second, inner interceptor did: just before the handler runs, never
 * for a replay. Nest wraps each interceptor in AsyncResources on every request, a cost worth
 * paying once rather than twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly stmts;

  constructor(
    @Inject(READ_MODEL_DB) db: Database.Database,
    private readonly reflector: Reflector,
  ) {
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

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handle = (): Observable<unknown> => {
      enforceBodyContract(context);
      return next.handle();
    };
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!WRITES.has(request.method) || key === undefined) return handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new BadRequestException(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
    }
    const scope = request.user?.sub ?? `anonymous:${request.ip}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');
    const reply = http.getResponse<FastifyReply>();
    const slot = `${scope}\u0000${key}`;

    const run = async (): Promise<unknown> => {
      // Wait out a duplicate in flight; it has stored its answer by the time it settles.
      for (let earlier = this.inFlight.get(slot); earlier; earlier = this.inFlight.get(slot)) {
        await earlier.catch(() => undefined);
      }
      const stored = this.stmts.get.get(scope, key) as StoredResponse | undefined;
      if (stored) return this.replay(stored, requestHash, reply);

      const work = (async () => {
        const body = await lastValueFrom(handle(), { defaultValue: undefined });
        const status =
          this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
        this.stmts.put.run(scope, key, requestHash, status, JSON.stringify(body ?? null), new Date().toISOString());
        return body;
      })();
      this.inFlight.set(slot, work);
      try {
        return await work;
      } finally {
        if (this.inFlight.get(slot) === work) this.inFlight.delete(slot);
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
