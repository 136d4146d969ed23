import { Conflict, Forbidden, Problems } from '@pz/platform/domain';
import type { Criterion } from '@pz/rounds/domain';
import type { ApplicationEvent } from '../events';
import type { RoundFacts } from '../round-facts';
import { ExistingApplication, isAssessed } from '../state';
import { assertOnPanel, underPanelReview } from './panel';

export const SCORE_MIN = 0;
export const SCORE_MAX = 5;

/** A panel member scores every criterion of the round 0-5; they may revise until the decision. */
export interface ScoreApplication {
  type: 'ScoreApplication';
  applicationId: string;
  member: string;
  round: RoundFacts;
  scores: Record<string, number>;
  comment: string;
  /** The organisation the member acts for, if any: a member of the applicant is conflicted without saying so. */
  memberOrg?: string;
  now: string;
}

/** Each criterion's score times its weight, summed: the member's total for the application. */
export function weightedTotal(scores: Record<string, number>, criteria: readonly Criterion[]): number {
  return criteria.reduce((sum, k) => sum + (scores[k.key] ?? 0) * k.weight, 0);
}

export function scoreApplication(c: ScoreApplication, existing: ExistingApplication): ApplicationEvent[] {
  assertOnPanel(c.member, c.round, c.applicationId);
  if (isAssessed(existing) && existing.conflicts.includes(c.member)) {
    throw new Forbidden('You declared a conflict of interest on this application, so you cannot score it');
  }
  if (c.memberOrg !== undefined && c.memberOrg === existing.org) {
    throw new Forbidden('You belong to the organisation that applied, so you have a conflict of interest and cannot score it');
  }
  const application = underPanelReview(existing, c.member, c.round, c.applicationId);
  if (application.status !== 'submitted') {
    throw new Conflict(`Scores can change only until the decision; this application is ${application.status}`);
  }
  const problems = new Problems();
  const keys = c.round.criteria.map((k) => k.key);
  for (const key of keys) {
    const value = c.scores[key];
    problems.check(value !== undefined, `scores.${key} is missing`);
    if (value !== undefined) {
      problems.check(
        Number.isInteger(value) && value >= SCORE_MIN && value <= SCORE_MAX,
        `scores.${key} must be a whole number from ${SCORE_MIN} to ${SCORE_MAX}`,
      );
    }
  }
  for (const key of Object.keys(c.scores)) {
    problems.check(keys.includes(key), `scores.${key} is not a criterion of this round (${keys.join(', ')})`);
  }
  problems.throwIfAny();
  const scores = Object.fromEntries(keys.map((k) => [k, c.scores[k]]));
  return [
    {
      type: 'ApplicationScored',
      data: {
        applicationId: c.applicationId,
        member: c.member,
        scores,
        comment: c.comment.trim(),
        weightedTotal: weightedTotal(scores, c.round.criteria),
      },
    },
  ];
}
