/**
 * The form in which personal data may appear in an event or a read model: encrypted under the
 * person's own key (see docs/design/crypto-shredding.md). Plain data and a type guard only, so
 * domain code can accept a sealed value without touching crypto, I/O or Nest.
 */
export interface SealedValue {
  /** Marks the object as sealed personal data, and the format version. */
  $pii: 1;
  /** Pseudonymous id of the person whose key seals this value. */
  person: string;
  /** Base64: 12-byte AES-GCM nonce, ciphertext, 16-byte authentication tag. */
  iv: string;
  ct: string;
  tag: string;
}

/** What a reader sees in place of a value whose person has been erased. */
export const ERASED = '[erased]';

export function isSealed(x: unknown): x is SealedValue {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  return (
    v.$pii === 1 &&
    typeof v.person === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.ct === 'string' &&
    typeof v.tag === 'string'
  );
}

/** A document with every sealed value replaced by its plaintext (or ERASED). */
export type Revealed<T> = T extends SealedValue
  ? string
  : T extends readonly (infer U)[]
    ? Revealed<U>[]
    : T extends object
      ? { [K in keyof T]: Revealed<T[K]> }
      : T;
