import { Problems } from '@pz/platform/domain';
import type { RoundFacts } from '../round-facts';

export interface Partner {
  name: string;
  identifier?: string;
}

/** What an applicant says about their project; drafts may change it until they are sent. */
export interface ApplicationDetails {
  title: string;
  zone: string;
  theme: string;
  summary: string;
  requestedPence: number;
  /** Calendar dates, YYYY-MM-DD. */
  projectStart: string;
  projectEnd: string;
  sustainability: string;
  partners: Partner[];
  answers: Record<string, string>;
}

/** Rules a draft must keep at every step: it names something the round actually funds. */
export function checkDetails(problems: Problems, d: ApplicationDetails, round: RoundFacts): void {
  problems
    .check(round.zones.includes(d.zone), `zone: this round does not cover "${d.zone}" (it covers ${round.zones.join(', ')})`)
    .check(round.themes.includes(d.theme), `theme: this round does not fund "${d.theme}" (it funds ${round.themes.join(', ')})`)
    .check(d.projectEnd > d.projectStart, 'projectEnd must be after projectStart');
}
