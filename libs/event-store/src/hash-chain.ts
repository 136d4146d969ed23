import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** prevHash of the first event in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The part of a recorded event the hash covers: everything but the hashes themselves. */
export interface HashedFields {
  id: string;
  streamId: string;
  revision: number;
  position: number;
  type: string;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
}

/**
 * hash = SHA-256(prevHash + canonical JSON (RFC 8785) of the envelope).
 * Canonical JSON makes the hash independent of key order and number formatting,
 * so an export re-serialised by another tool still verifies.
 */
export function chainHash(prevHash: string, event: HashedFields): string {
  const envelope = {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalize(envelope) ?? '')
    .digest('hex');
}
