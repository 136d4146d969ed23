import { hkdfSync } from 'node:crypto';
import type { AppConfig } from './environment';

/**
 * A key for one purpose, derived from a master secret with HKDF-SHA256. Each use (person ids,
 * unsubscribe links, keyed request MACs) gets its own key, so a value computed for one purpose
 * can never be replayed as another, and the master secret itself is never used as an HMAC key.
 */
export function deriveSecret(master: string | Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'people-zones-grants', `pz:${purpose}:v1`, 32));
}

/** The service's key for one purpose, derived from its master secret. */
export function deriveKey(config: Pick<AppConfig, 'appSecret'>, purpose: string): Buffer {
  return deriveSecret(config.appSecret, purpose);
}
