import { createHmac } from 'node:crypto';
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
import { APP_CONFIG, AppConfig } from '../config/environment';
import { deriveKey } from '../config/derived-keys';
import { IDEMPOTENCY_KEYS_PER_CALLER, IDEMPOTENCY_RECORDS, IDEMPOTENCY_TTL_MS, IdempotencyRecords } from '../idempotency/idempotency-records';
import { WRITE_METHODS } from './body-contract';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** What a request running under an Idempotency-Key carries from the guard to the hooks. */
interface KeyedRequest {
  scope: string;
  key: string;
  requestHash: string;
  /** Kept already: this request repeats it. */
  repeat: boolean;
  /** Set when the request's events are in the store (by this run or an earlier one). */
  wrote: boolean;
  settle(): void;
}

const KEYED = Symbol('idempotency-key');
type WithKey = FastifyRequest & { [KEYED]?: KeyedRequest };

/**
 * `Idempotency-Key` on writes (api.md: the same key and body give the same result once).
 *
 * Event and entity ids are derived from the caller and their key, so a repeated write finds its
 * own events and writes nothing more, in any process, after any crash. What is kept here is only
 * that the request succeeded and wrote (a keyed MAC of it, its status), for a day, at most a
 * thousand per caller: a repeat with the same request runs again and answers from what is true
 * now, marked `Idempotent-Replayed: true`; the same key with another request is a 422. No answer
 * is stored, so nothing personal outlives an erasure here, and a write that changed nothing
 * leaves nothing behind. Concurrent duplicates in a process wait for the first.
 *
 * A global guard (after authentication and the body contract) plus two Fastify hooks, not an
 * interceptor (docs/design/request-pipeline.md).
 */
@Injectable()
export class IdempotencyKeys implements CanActivate {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly macKey: Buffer;

  constructor(
    @Inject(IDEMPOTENCY_RECORDS) private readonly records: IdempotencyRecords,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.macKey = deriveKey(config, 'idempotency-request');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<WithKey & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!WRITE_METHODS.has(request.method) || key === undefined) return true;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new BadRequestException(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
    }
    // Keyed MACs, not plain hashes: a body holds personal data, and a guessed body must not be
    // confirmable from the table; nor an anonymous caller's address.
    const scope = request.user?.sub ?? `anonymous:${this.mac(request.ip ?? '')}`;
    const requestHash = this.mac(`${request.method} ${request.originalUrl}\n${canonicalize(request.body ?? null) ?? ''}`);
    const slot = `${scope}\u0000${key}`;
    // Wait out a duplicate in flight; it has kept its record (or failed) by the time it settles.
    for (let earlier = this.inFlight.get(slot); earlier; earlier = this.inFlight.get(slot)) await earlier;
    const kept = await this.records.find(scope, key, new Date().toISOString());
    if (kept && kept.requestHash !== requestHash) {
      throw new UnprocessableEntityException('This Idempotency-Key was already used for a different request; use a new key for a new request');
    }
    let settle!: () => void;
    const running = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.set(slot, running);
    request[KEYED] = {
      scope,
      key,
      requestHash,
      repeat: kept !== undefined,
      wrote: false,
      settle: () => {
        if (this.inFlight.get(slot) === running) this.inFlight.delete(slot);
        settle();
      },
    };
    return true;
  }

  /** For the command context: this request's events are in the store. */
  static wrote(request: object): void {
    const keyed = (request as WithKey)[KEYED];
    if (keyed) keyed.wrote = true;
  }

  /**
   * Fastify onSend: marks a repeat, and keeps a first success that wrote something. A failure
   * wrote nothing, so it keeps nothing and the key may be used again.
   */
  readonly keepRequest = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const keyed = (request as WithKey)[KEYED];
    if (!keyed) return payload;
    try {
      const succeeded = reply.statusCode >= 200 && reply.statusCode < 300;
      if (succeeded && keyed.repeat) void reply.header('Idempotent-Replayed', 'true');
      else if (succeeded && keyed.wrote) {
        const at = Date.now();
        await this.records.keep(
          keyed.scope,
          keyed.key,
          { requestHash: keyed.requestHash, status: reply.statusCode },
          new Date(at).toISOString(),
          new Date(at + IDEMPOTENCY_TTL_MS).toISOString(),
          IDEMPOTENCY_KEYS_PER_CALLER,
        );
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

  private mac(text: string): string {
    return createHmac('sha256', this.macKey).update(text).digest('base64url');
  }
}
