import type { RecordedEvent } from '@pz/event-store';
import type { DocumentStore } from './document-store';

/**
 * A read model fed from the global log. `apply` must be deterministic and depend only on the
 * event and the documents (no clock, no I/O beyond `docs`), so a rebuild from zero comes out
 * identical.
 */
export interface Projection {
  readonly name: string;
  /** Bump when `apply` changes meaning: the runner then rebuilds this projection from zero. */
  readonly version: number;
  /** Collections this projection owns (cleared on rebuild). */
  readonly collections: readonly string[];
  apply(event: RecordedEvent, docs: DocumentStore): Promise<void> | void;
}
