import type { RoundResponse, Zone } from '@pz/rounds';

/** A round as the public pages show it: zone names, not ids, and the status in plain words. */
export interface RoundSummary extends RoundResponse {
  zoneNames: string[];
  statusText: string;
  statusColour: 'green' | 'blue' | 'grey' | 'red';
  remainingPence: number;
}

const STATUS: Record<RoundResponse['status'], [string, RoundSummary['statusColour']]> = {
  open: ['Open now', 'green'],
  scheduled: ['Coming up', 'blue'],
  closed: ['Closed', 'grey'],
  cancelled: ['Cancelled', 'red'],
};

export function summarise(round: RoundResponse, zones: readonly Zone[]): RoundSummary {
  const [statusText, statusColour] = STATUS[round.status];
  return {
    ...round,
    zoneNames: round.zones.map((id) => zones.find((z) => z.id === id)?.name ?? id),
    statusText,
    statusColour,
    remainingPence: Math.max(0, round.budgetPence - round.committedPence),
  };
}
