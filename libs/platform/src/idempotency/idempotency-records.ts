/** The first successful answer to a request made under an Idempotency-Key. */
export interface StoredAnswer {
  /** SHA-256 of the method, URL and canonical body: the same key with another request is refused. */
  requestHash: string;
  status: number;
  body: string;
}

/** Where keyed answers are kept, per caller (`scope`) and key, for every process to find. */
export interface IdempotencyRecords {
  find(scope: string, key: string): Promise<StoredAnswer | undefined>;
  /** Keeps the answer unless one is already kept for this scope and key (the first one stands). */
  keep(scope: string, key: string, answer: StoredAnswer, at: string): Promise<void>;
}

export const IDEMPOTENCY_RECORDS = Symbol('IdempotencyRecords');
