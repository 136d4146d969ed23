/**
 * Where per-person keys are kept (see docs/design/crypto-shredding.md). Keys are not events:
 * erasing a person is destroying one key while the log stays append-only, so this store must be
 * as durable as the log itself, or a crash could "erase" someone by accident.
 */
export interface PersonKey {
  /** Null once erased: the row outlives the key as the record that the erasure happened. */
  key: Buffer | null;
  createdAt: string;
  erasedAt: string | null;
}

export interface PersonalDataKeys {
  get(person: string): Promise<PersonKey | undefined>;
  /**
   * Stores `key` for a person who has none, and answers whichever key is theirs now: when two
   * processes create one at once, both get the winner's. Null when the person was erased.
   */
  getOrCreate(person: string, key: Buffer, at: string): Promise<Buffer | null>;
  /**
   * Destroys the person's key (overwriting it, not only unlinking it) and records when, keeping
   * the first erasure time. A tombstone even for a person never seen, so nothing racing the
   * erasure can seal for them afterwards. True only when this call destroyed a key.
   */
  erase(person: string, at: string): Promise<boolean>;
}

export const PERSONAL_DATA_KEYS = Symbol('PersonalDataKeys');
