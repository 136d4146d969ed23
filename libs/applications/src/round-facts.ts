import { EventStore } from '@pz/event-store';
import { NotFound } from '@pz/platform/domain';
import { loadAggregate } from '@pz/platform';
import { roundDecider, roundStreamId } from '@pz/rounds/domain/round';
import type { RoundFacts } from './domain/application';

/** The round as its own stream says now: decisions never rely on a read model that may lag. */
export async function loadRoundFacts(store: EventStore, roundId: string): Promise<RoundFacts> {
  const { state } = await loadAggregate(store, roundStreamId(roundId), roundDecider);
  if (!state.round) throw new NotFound(`Round ${roundId} not found`);
  const r = state.round;
  return {
    roundId: r.roundId,
    kind: r.kind,
    zones: r.zones,
    themes: r.themes,
    opensAt: r.opensAt,
    closesAt: r.closesAt,
    cancelledAt: state.cancelledAt,
    budgetPence: r.budgetPence,
    maxAwardPence: r.maxAwardPence,
    criteria: r.criteria,
    panel: state.panel,
  };
}
