import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@pz/event-store';
import { oneApplication } from './grant-history';
import { seeded } from './random';

/**
 * Many application streams with the same shape: the first `perStream` events of an awarded
 * application (opened, edited, submitted, scored by the panel, awarded, monitoring scheduled…),
 * each stream with its own event ids. Appends go round-robin over the streams, one event per
 * append, each with the expected revision the caller last saw: what concurrent HTTP commands do.
 */
export interface StreamWorkload {
  streams: string[];
  /** events[s][k]: the k-th event of stream s. */
  events: NewEvent[][];
  perStream: number;
}

export function streamWorkload(streams: number, perStream: number, seed = 7): StreamWorkload {
  const template = oneApplication(seeded(seed)).events;
  if (template.length < perStream) throw new Error(`an application has only ${template.length} events`);
  const ids = Array.from({ length: streams }, (_, s) => `application-${seed}-${s}-${randomUUID()}`);
  return {
    streams: ids,
    perStream,
    events: ids.map(() => template.slice(0, perStream).map((e) => ({ ...e, id: randomUUID() }))),
  };
}

/** Appends per second, and what it adds up to. */
export interface Timed {
  operations: number;
  seconds: number;
}

export const rate = (t: Timed) => t.operations / t.seconds;

export function add(a: Timed, b: Timed): Timed {
  return { operations: a.operations + b.operations, seconds: a.seconds + b.seconds };
}

export const none: Timed = { operations: 0, seconds: 0 };

export async function timed(operations: number, work: () => Promise<void> | void): Promise<Timed> {
  const started = performance.now();
  await work();
  return { operations, seconds: (performance.now() - started) / 1000 };
}
