import { Injectable } from '@nestjs/common';
import { ReadModels } from '@pz/platform';
import { roundStatusAt, RoundStatus } from './domain/round';
import { ROUNDS, RoundView } from './rounds.projection';

export type RoundResponse = Omit<RoundView, 'scheduledAt' | 'lastChangedAt' | 'cancelledAt' | 'cancelReason' | 'panel'> & {
  status: RoundStatus;
  cancelReason?: string;
};

@Injectable()
export class RoundsQueries {
  constructor(private readonly readModels: ReadModels) {}

  list(now: string): RoundResponse[] {
    return this.readModels.documents
      .list<RoundView>(ROUNDS)
      .sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id.localeCompare(b.id))
      .map((r) => present(r, now));
  }

  /** The stored view, panel included: for server-side checks, never sent as is. */
  view(id: string): RoundView | undefined {
    return this.readModels.documents.get<RoundView>(ROUNDS, id);
  }

  get(id: string, now: string): RoundResponse | undefined {
    const round = this.readModels.documents.get<RoundView>(ROUNDS, id);
    return round && present(round, now);
  }
}

function present(round: RoundView, now: string): RoundResponse {
  const { scheduledAt: _s, lastChangedAt: _l, cancelledAt, cancelReason, panel: _p, ...rest } = round;
  const response: RoundResponse = { ...rest, status: roundStatusAt({ ...round, cancelledAt }, now) };
  if (cancelReason) response.cancelReason = cancelReason;
  return response;
}
