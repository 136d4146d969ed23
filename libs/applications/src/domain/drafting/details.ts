import { endOfUkDay, Problems } from '@pz/platform/domain';
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

/**
 * Rules a draft must keep at every step: it names something the round actually funds, and a
 * project that is still running when the round closes (one that had ended would be monitored
 * from the day of its award, with everything overdue at once).
 */
export function checkDetails(problems: Problems, d: ApplicationDetails, round: RoundFacts): void {
  problems
    .check(round.zones.includes(d.zone), `zone: this round does not cover "${d.zone}" (it covers ${round.zones.join(', ')})`)
    .check(round.themes.includes(d.theme), `theme: this round does not fund "${d.theme}" (it funds ${round.themes.join(', ')})`)
    .check(d.projectEnd > d.projectStart, 'projectEnd must be after projectStart')
    .check(
      !isCalendarDate(d.projectEnd) || endOfUkDay(d.projectEnd) > round.closesAt,
      `projectEnd: the project must still be running when the round closes (${round.closesAt.slice(0, 10)})`,
    );
}

const isCalendarDate = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
