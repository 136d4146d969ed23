/**
 * That a request made under an Idempotency-Key succeeded: not its answer. A repeat is run again
 * (its events already exist under ids derived from the key, so it writes nothing) and answers
 * from what is true now, so nothing the first answer held, personal data least of all, is kept.
 */
export interface KeptRequest {
  /** A keyed MAC of the method, URL and canonical body: the same key with another request is refused. */
  requestHash: string;
  status: number;
}

/** A day: long enough for any client's retries, short enough that keys do not pile up. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** Keys one caller may have kept at once; beyond it, the oldest are forgotten first. */
export const IDEMPOTENCY_KEYS_PER_CALLER = 1_000;

/** Where keyed requests are remembered, per caller (`scope`) and key, for every process to find. */
export interface IdempotencyRecords {
  /** The request kept under this scope and key, unless it has expired by `now`. */
  find(scope: string, key: string, now: string): Promise<KeptRequest | undefined>;
  /**
   * Keeps the request unless one is already kept for this scope and key (the first one stands),
   * until `expiresAt`; then forgets the scope's oldest beyond `maxPerScope`, and whatever has
   * expired by `at`.
   */
  keep(scope: string, key: string, request: KeptRequest, at: string, expiresAt: string, maxPerScope: number): Promise<void>;
}

export const IDEMPOTENCY_RECORDS = Symbol('IdempotencyRecords');
