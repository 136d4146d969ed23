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

/** A draft opened with only its title: everything else is still to be answered. */
export const EMPTY_DETAILS: ApplicationDetails = {
  title: '',
  zone: '',
  theme: '',
  summary: '',
  requestedPence: 0,
  projectStart: '',
  projectEnd: '',
  sustainability: '',
  partners: [],
  answers: {},
};

/**
 * Rules a draft must keep at every step, for what it has answered so far: it names something the
 * round actually funds, and a project that is still running when the round closes (one that had
 * ended would be monitored from the day of its award, with everything overdue at once).
 */
export function checkDetails(problems: Problems, d: ApplicationDetails, round: RoundFacts): void {
  problems
    .check(d.zone === '' || round.zones.includes(d.zone), `zone: this round does not cover "${d.zone}" (it covers ${round.zones.join(', ')})`)
    .check(d.theme === '' || round.themes.includes(d.theme), `theme: this round does not fund "${d.theme}" (it funds ${round.themes.join(', ')})`)
    .check(d.projectStart === '' || d.projectEnd === '' || d.projectEnd > d.projectStart, 'projectEnd must be after projectStart')
    .check(
      !isCalendarDate(d.projectEnd) || endOfUkDay(d.projectEnd) > round.closesAt,
      `projectEnd: the project must still be running when the round closes (${round.closesAt.slice(0, 10)})`,
    );
}

/** What a draft must have answered before it is sent (api.md: submit names every missing field). */
export function checkComplete(problems: Problems, d: ApplicationDetails): void {
  const missing = (field: string, what: string, answered: boolean) => problems.check(answered, `${field}: ${what} is missing`);
  missing('title', 'the project title', d.title.trim() !== '');
  missing('summary', 'a summary of the project', d.summary.trim() !== '');
  missing('zone', 'the People Zone', d.zone !== '');
  missing('theme', 'the theme', d.theme !== '');
  missing('requestedPence', 'the amount asked for', d.requestedPence > 0);
  missing('projectStart', 'the start date', d.projectStart !== '');
  missing('projectEnd', 'the end date', d.projectEnd !== '');
}

const isCalendarDate = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
