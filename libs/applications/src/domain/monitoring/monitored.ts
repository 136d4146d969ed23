import { Conflict } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import { Awarded, evolve, ExistingApplication, type ApplicationState } from '../state';
import { DueItem, RagPolicy, ragVerdict } from './policy';

/** A grant being monitored: awarded and not yet closed by its case study. */
export function monitored(application: ExistingApplication): Awarded {
  if (application.status === 'closed') throw new Conflict('This grant is closed: its case study has been filed');
  if (application.status !== 'awarded') throw new Conflict(`Monitoring applies to awarded grants; this application is ${application.status}`);
  return application;
}

/** The first item of a kind still to be filed. */
export function nextOutstanding(grant: Awarded, kind: DueItem['kind']): DueItem | undefined {
  return grant.schedule.find((i) => i.kind === kind && !grant.filed.includes(i.key));
}

/**
 * `changes` followed by the policy's verdict, when it differs from the policy's previous verdict:
 * so a staff rating stands until something new happens (an item filed or overdue).
 */
export function reassess(state: ApplicationState, now: string, policy: RagPolicy, changes: ApplicationEvent[] = []): ApplicationEvent[] {
  const after = changes.reduce(evolve, state);
  if (after.status !== 'awarded') return changes;
  const verdict = ragVerdict({ schedule: after.schedule, filed: after.filed, latestReturnOnTrack: after.latestReturnOnTrack }, now, policy);
  if (verdict.rating === after.lastAutomaticRag) return changes;
  return [
    ...changes,
    {
      type: 'GrantRagRated',
      data: {
        applicationId: after.applicationId,
        rating: verdict.rating,
        previous: after.rag,
        reason: verdict.reason,
        by: 'system',
        ratedAt: now,
      },
    },
  ];
}
