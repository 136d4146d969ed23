import { chainHash, GENESIS_HASH, HashedFields } from './hash-chain';

/** What verification sees of one stored event: the fields the hash covers, and the hashes. */
export interface ChainLink extends HashedFields {
  hash: string;
  prevHash: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  /** The first position where the chain does not hold (an edit, a missing row, a reordering). */
  brokenAt?: number;
  reason?: string;
  head: { position: number; hash: string };
}

/** What a verification can hold the log's end against, to catch events removed from the end. */
export interface ChainAnchors {
  /** A head recorded earlier (the log must reach it, with this hash if given). */
  expectHead?: { position: number; hash?: string };
  /** The highest position some other record (a checkpoint) has already seen. */
  seenUpTo?: { position: number; by: string };
}

/** The higher of two `seenUpTo` anchors. */
export function furthestSeen(
  a: ChainAnchors['seenUpTo'],
  b: ChainAnchors['seenUpTo'],
): ChainAnchors['seenUpTo'] {
  if (!a) return b;
  if (!b) return a;
  return a.position >= b.position ? a : b;
}

/**
 * Walks a hash-chained global log in position order in constant memory. Each event's hash is
 * recomputed from its content; each must name the previous one's hash; positions must run on
 * without a gap. An edited row breaks its own hash; a deleted row leaves a gap and a prevHash
 * that names a hash nobody has; a truncated tail is caught against a head recorded earlier
 * (`expectHead`) or against positions other records have already seen (`seenUpTo`).
 */
export async function verifyGlobalChain(
  links: AsyncIterable<ChainLink> | Iterable<ChainLink>,
  anchors: ChainAnchors = {},
): Promise<VerifyReport> {
  let prev = { position: 0, hash: GENESIS_HASH };
  let events = 0;
  const broken = (position: number, reason: string): VerifyReport => ({ ok: false, events, brokenAt: position, reason, head: prev });

  for await (const link of links) {
    events += 1;
    if (link.position !== prev.position + 1) {
      return broken(prev.position + 1, `position ${prev.position + 1} is missing (the log jumps from ${prev.position} to ${link.position})`);
    }
    if (link.prevHash !== prev.hash) {
      return broken(link.position, `event ${link.position} does not follow the hash of event ${prev.position}`);
    }
    if (chainHash(link.prevHash, link) !== link.hash) {
      return broken(link.position, `event ${link.position} has been altered: its content no longer matches its hash`);
    }
    prev = { position: link.position, hash: link.hash };
  }

  const { expectHead, seenUpTo } = anchors;
  if (expectHead && prev.position < expectHead.position) {
    return broken(prev.position + 1, `the log ends at ${prev.position}, but it was recorded reaching ${expectHead.position}: events have been removed from the end`);
  }
  if (expectHead?.hash && prev.position === expectHead.position && prev.hash !== expectHead.hash) {
    return broken(prev.position, `the head hash differs from the one recorded for position ${expectHead.position}`);
  }
  if (seenUpTo && prev.position < seenUpTo.position) {
    return broken(prev.position + 1, `the log ends at ${prev.position}, but ${seenUpTo.by} had already seen position ${seenUpTo.position}: events have been removed from the end`);
  }
  return { ok: true, events, head: prev };
}

/** Parses `12345` or `12345:<hash>` as given on a command line or query string. */
export function parseHead(value: string | undefined): { position: number; hash?: string } | undefined {
  if (!value) return undefined;
  const match = /^(\d+)(?::([0-9a-f]{64}))?$/.exec(value);
  if (!match) throw new Error('expected head as <position> or <position>:<sha256 hex>');
  return { position: Number(match[1]), hash: match[2] };
}

/**
 * EventStoreDB cannot serialise writes across the whole log, so there the chain runs per stream
 * (see docs/design/hash-chain.md): each event names the previous hash in its own stream, and the
 * hash input is what the adapter knew before the write (`hashInput`).
 */
export async function verifyStreamChains(
  links: AsyncIterable<ChainLink> | Iterable<ChainLink>,
  hashInput: (link: ChainLink) => HashedFields,
): Promise<VerifyReport> {
  const last = new Map<string, { revision: number; hash: string }>();
  let events = 0;
  let head = { position: 0, hash: GENESIS_HASH };
  for await (const link of links) {
    events += 1;
    const previous = last.get(link.streamId) ?? { revision: -1, hash: GENESIS_HASH };
    const fail = (reason: string): VerifyReport => ({ ok: false, events, brokenAt: link.position, reason, head });
    if (link.revision !== previous.revision + 1) return fail(`${link.streamId}: revision ${previous.revision + 1} is missing`);
    if (link.prevHash !== previous.hash) return fail(`${link.streamId}@${link.revision} does not follow the previous event's hash`);
    if (chainHash(link.prevHash, hashInput(link)) !== link.hash) return fail(`${link.streamId}@${link.revision} has been altered`);
    last.set(link.streamId, { revision: link.revision, hash: link.hash });
    head = { position: link.position, hash: link.hash };
  }
  return { ok: true, events, head };
}
