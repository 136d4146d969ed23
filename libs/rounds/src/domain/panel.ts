import { Conflict, Problems } from '@pz/platform/domain';
import type { RoundEvent } from './events';
import type { ExistingRound } from './state';

/** Staff say who may score the round's applications: residents of the zone's steering group. */
export interface SetRoundPanel {
  type: 'SetRoundPanel';
  roundId: string;
  members: string[];
  now: string;
}

export function setRoundPanel(c: SetRoundPanel, state: ExistingRound): RoundEvent[] {
  if (state.status === 'cancelled') throw new Conflict('The round has been cancelled');
  const members = c.members.map((m) => m.trim());
  new Problems()
    .check(members.every((m) => m.length > 0), 'members must not contain empty ids')
    .check(new Set(members).size === members.length, 'members must not repeat a member')
    .throwIfAny();
  const same = members.length === state.panel.length && members.every((m) => state.panel.includes(m));
  return same ? [] : [{ type: 'RoundPanelSet', data: { roundId: c.roundId, members } }];
}
