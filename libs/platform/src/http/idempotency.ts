import { createHash } from 'node:crypto';
import {
  BadRequestException,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth-user';
import { IDEMPOTENCY_RECORDS, IdempotencyRecords } from '../idempotency/idempotency-records';
import { WRITE_METHODS } from './body-contract';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** What a request running under an Idempotency-Key carries from the guard to the hooks. */
interface KeyedRequest {
  scope: string;
  key: string;
  requestHash: string;
  settle(): void;
}

const KEYED = Symbol('idempotency-key');
type WithKey = FastifyRequest & { [KEYED]?: KeyedRequest };

/** Thrown by the guard to answer a repeated request with the stored answer (see DomainExceptionFilter). */
export class StoredAnswerReplay {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {}
}

/**
 * `Idempotency-Key` on writes: the first successful answer is kept per caller and key; the same
 * key with the same request gets that answer again without running anything, the same key with
 * a different request is a 422. Failed requests wrote nothing, so they are not kept and may be
 * retried. Concurrent duplicates wait for the first. (Event ids derived from the key make a
 * duplicate that slips past this, in another process, a no-op in the store as well.)
 *
 * A global guard (after authentication and the body contract) plus two Fastify hooks, not an
 * interceptor: an interceptor would put every write through Nest's RxJS chain and its
 * AsyncResources (docs/design/request-pipeline.md). The guard answers a replay by throwing
 * StoredAnswerReplay, which the exception filter sends; `onSend` keeps a 2xx answer.
 */
@Injectable()
export class IdempotencyKeys implements CanActivate {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(@Inject(IDEMPOTENCY_RECORDS) private readonly records: IdempotencyRecords) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<WithKey & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!WRITE_METHODS.has(request.method) || key === undefined) return true;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new BadRequestException(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
    }
    const scope = request.user?.sub ?? `anonymous:${request.ip}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');
    const slot = `${scope}\u0000${key}`;
    // Wait out a duplicate in flight; it has stored its answer (or failed) by the time it settles.
    for (let earlier = this.inFlight.get(slot); earlier; earlier = this.inFlight.get(slot)) await earlier;
    const stored = await this.records.find(scope, key);
    if (stored) {
      if (stored.requestHash !== requestHash) {
        throw new UnprocessableEntityException(
          'This Idempotency-Key was already used for a different request; use a new key for a new request',
        );
      }
      throw new StoredAnswerReplay(stored.status, stored.body);
    }
    let settle!: () => void;
    const running = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.set(slot, running);
    request[KEYED] = {
      scope,
      key,
      requestHash,
      settle: () => {
        if (this.inFlight.get(slot) === running) this.inFlight.delete(slot);
        settle();
      },
    };
    return true;
  }

  /**
   * Fastify onSend: keeps a successful JSON answer of a keyed request (before it goes out). Other
   * answers (the HTML page of a one-click unsubscribe) are not kept: a repeat runs again, which
   * such routes take in their stride, rather than getting the page back labelled as JSON.
   */
  readonly keepAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const keyed = (request as WithKey)[KEYED];
    if (!keyed) return payload;
    try {
      const json = /^application\/json\b/i.test(String(reply.getHeader('content-type') ?? ''));
      if (json && reply.statusCode >= 200 && reply.statusCode < 300 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        const answer = { requestHash: keyed.requestHash, status: reply.statusCode, body: payload.toString() };
        await this.records.keep(keyed.scope, keyed.key, answer, new Date().toISOString());
      }
    } finally {
      keyed.settle();
    }
    return payload;
  };

  /** For onResponse: whatever the answer was, duplicates waiting may go on. */
  release(request: FastifyRequest): void {
    (request as WithKey)[KEYED]?.settle();
  }
}
