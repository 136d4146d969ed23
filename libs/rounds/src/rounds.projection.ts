import type { RecordedEvent } from '@pz/event-store';
import type { DocumentStore, Projection } from '@pz/projections';
import type { RoundRescheduledData, RoundScheduledData } from './domain';

/** The calendar of rounds as everyone sees it; `status` is derived from the clock at read time. */
export interface RoundView extends Omit<RoundScheduledData, 'roundId'> {
  id: string;
  committedPence: number;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** Panel members' user ids: shown to staff only. */
  panel: string[];
  /** Revision of the round's stream: a page's form sends it back, so a change made meanwhile is a 409, not overwritten. */
  revision: number;
  scheduledAt: string;
  lastChangedAt: string;
}

export const ROUNDS = 'rounds';

export const roundsProjection: Projection = {
  name: 'rounds',
  // 2: revision.
  version: 2,
  collections: [ROUNDS],
  async apply(event: RecordedEvent, docs: DocumentStore) {
    switch (event.type) {
      case 'RoundScheduled': {
        const d = event.data as RoundScheduledData;
        docs.put<RoundView>(ROUNDS, d.roundId, {
          id: d.roundId,
          name: d.name,
          financialYear: d.financialYear,
          kind: d.kind,
          zones: d.zones,
          themes: d.themes,
          announceAt: d.announceAt,
          opensAt: d.opensAt,
          closesAt: d.closesAt,
          budgetPence: d.budgetPence,
          committedPence: 0,
          maxAwardPence: d.maxAwardPence,
          criteria: d.criteria,
          cancelledAt: null,
          cancelReason: null,
          panel: [],
          revision: event.revision,
          scheduledAt: event.metadata.occurredAt,
          lastChangedAt: event.metadata.occurredAt,
        });
        return;
      }
      case 'RoundRescheduled': {
        const d = event.data as RoundRescheduledData;
        await update(docs, d.roundId, event, (r) => ({ ...r, opensAt: d.opensAt, closesAt: d.closesAt, announceAt: d.announceAt }));
        return;
      }
      case 'RoundCancelled': {
        const d = event.data as { roundId: string; reason: string; cancelledAt: string };
        await update(docs, d.roundId, event, (r) => ({ ...r, cancelledAt: d.cancelledAt, cancelReason: d.reason }));
        return;
      }
      case 'RoundPanelSet': {
        const d = event.data as { roundId: string; members: string[] };
        await update(docs, d.roundId, event, (r) => ({ ...r, panel: d.members }));
        return;
      }
      case 'RoundFundsCommitted':
      case 'RoundFundsReleased': {
        const d = event.data as { roundId: string; amountPence: number };
        const sign = event.type === 'RoundFundsCommitted' ? 1 : -1;
        await update(docs, d.roundId, event, (r) => ({ ...r, committedPence: r.committedPence + sign * d.amountPence }));
        return;
      }
    }
  },
};

/** Changes a round that exists, stamping when it last changed. */
async function update(docs: DocumentStore, id: string, event: RecordedEvent, change: (r: RoundView) => RoundView): Promise<void> {
  await docs.update<RoundView>(ROUNDS, id, (round) => ({ ...change(round), revision: event.revision, lastChangedAt: event.metadata.occurredAt }));
}
