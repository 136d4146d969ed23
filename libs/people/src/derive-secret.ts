import { hkdfSync } from 'node:crypto';

/**
 * A key for one purpose, derived from a master secret with HKDF-SHA256. Each use (person ids,
 * unsubscribe links) gets its own key, so a value computed for one purpose can never be
 * replayed as another, and the master secret itself (the JWT key) is never used as an HMAC key.
 */
export function deriveSecret(master: string | Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'people-zones-grants', `pz:${purpose}:v1`, 32));
}
