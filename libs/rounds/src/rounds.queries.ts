import { Injectable } from '@nestjs/common';
import { ReadModels } from '@pz/platform';
import { roundStatusAt, RoundStatus } from './domain';
import { ROUNDS, RoundView } from './rounds.projection';

export type RoundResponse = Omit<RoundView, 'scheduledAt' | 'lastChangedAt' | 'cancelledAt' | 'cancelReason' | 'panel' | 'revision'> & {
  status: RoundStatus;
  cancelReason?: string;
};

@Injectable()
export class RoundsQueries {
  constructor(private readonly readModels: ReadModels) {}

  async list(now: string): Promise<RoundResponse[]> {
    return (await this.readModels.documents.list<RoundView>(ROUNDS))
      .sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id.localeCompare(b.id))
      .map((r) => present(r, now));
  }

  /** Every stored view, panel included: for server-side use, never sent as is. */
  views(): Promise<RoundView[]> {
    return this.readModels.documents.list<RoundView>(ROUNDS);
  }

  /** The stored view, panel included: for server-side checks, never sent as is. */
  view(id: string): Promise<RoundView | undefined> {
    return this.readModels.documents.get<RoundView>(ROUNDS, id);
  }

  async get(id: string, now: string): Promise<RoundResponse | undefined> {
    const round = await this.readModels.documents.get<RoundView>(ROUNDS, id);
    return round && present(round, now);
  }
}

function present(round: RoundView, now: string): RoundResponse {
  const { scheduledAt: _s, lastChangedAt: _l, cancelledAt, cancelReason, panel: _p, revision: _r, ...rest } = round;
  const response: RoundResponse = { ...rest, status: roundStatusAt({ ...round, cancelledAt }, now) };
  if (cancelReason) response.cancelReason = cancelReason;
  return response;
}
