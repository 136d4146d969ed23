import { Conflict, Problems } from '@pz/platform/domain';
import { roundStatusAt } from '@pz/rounds/domain';
import type { ApplicationEvent } from '../events';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication } from '../state';
import { checkComplete, checkDetails } from './details';

/** An applicant sends their organisation's draft for assessment, while the round is open. */
export interface SubmitApplication {
  type: 'SubmitApplication';
  applicationId: string;
  org: string;
  round: RoundFacts;
  now: string;
}

export function submitApplication(c: SubmitApplication, application: ExistingApplication): ApplicationEvent[] {
  if (application.status === 'submitted') return [];
  if (application.status !== 'draft') throw new Conflict(`Only a draft can be submitted; this application is ${application.status}`);
  const status = roundStatusAt(c.round, c.now);
  if (status !== 'open') {
    throw new Conflict(
      status === 'scheduled'
        ? `The round opens at ${c.round.opensAt}; submit then`
        : `The round is ${status}; it closed at ${c.round.closesAt}`,
    );
  }
  const d = application.details;
  const problems = new Problems();
  checkComplete(problems, d);
  problems
    .check(d.sustainability.trim().length > 0, 'sustainability: every application must say how the project will last beyond the grant')
    .check(
      c.round.maxAwardPence === null || d.requestedPence <= c.round.maxAwardPence,
      `requestedPence: this round awards at most ${c.round.maxAwardPence} pence`,
    )
    .check(d.requestedPence <= c.round.budgetPence, `requestedPence: more than the round's whole budget`)
    .check(c.round.kind !== 'collaborative' || d.partners.length > 0, 'partners: a collaborative round needs at least one partner');
  checkDetails(problems, d, c.round);
  problems.throwIfAny();
  return [{ type: 'ApplicationSubmitted', data: { applicationId: c.applicationId, roundId: c.round.roundId, submittedAt: c.now } }];
}
