import type { RecordedEvent } from '@pz/event-store';
import type { DueItem, RagPolicy } from '@pz/applications/domain';
import { ragCheckpoints } from '@pz/applications/domain';
import { minusDuration } from '@pz/platform/domain';

/**
 * What the log asks to happen later. Every job id is derived from what it is about (and, for a
 * dated job, its date), so planning the same work twice — a replayed batch, the sweep — is a
 * no-op in the queue, and a moved date is a new job while the old one is removed.
 */
export type JobName =
  | 'round-alert'
  | 'round-open'
  | 'round-closing'
  | 'subscriber-mail'
  | 'grantee-reminder'
  | 'rag-check'
  | 'rag-alert'
  | 'subscription-confirmation'
  | 'erasure-cleanup'
  | 'invitation'
  | 'draft-reminder'
  | 'application-sent'
  | 'sweep';

export interface PlannedJob {
  name: JobName;
  id: string;
  runAt: string;
  data: Record<string, string>;
}

export interface JobPlan {
  add: PlannedJob[];
  remove: string[];
}

export interface PlanningPolicy {
  /** How long before a due time its reminder goes (REMINDER_LEAD, ISO 8601, in UK time). */
  reminderLead: string;
  rag: RagPolicy;
}

export interface RoundDates {
  roundId: string;
  announceAt: string;
  opensAt: string;
  closesAt: string;
}

const ms = (iso: string) => String(Date.parse(iso));

/** Longer than any job runs (a send times out within a minute): the second clean-up after an erasure. */
export const ERASURE_CLEANUP_AGAIN_AFTER_MS = 5 * 60_000;

/** The three notices every subscriber of a round's zones gets: announcement, opening, closing soon. */
export function roundNoticeJobs(round: RoundDates, policy: PlanningPolicy): PlannedJob[] {
  const closingAt = minusDuration(round.closesAt, policy.reminderLead);
  const jobs: PlannedJob[] = [
    { name: 'round-alert', id: `round-alert.${round.roundId}.${ms(round.announceAt)}`, runAt: round.announceAt, data: { roundId: round.roundId, at: round.announceAt } },
    { name: 'round-open', id: `round-open.${round.roundId}.${ms(round.opensAt)}`, runAt: round.opensAt, data: { roundId: round.roundId, at: round.opensAt } },
  ];
  // A round shorter than the reminder lead gets no "closes soon": it would arrive before it opened.
  if (closingAt > round.opensAt) {
    jobs.push({ name: 'round-closing', id: `round-closing.${round.roundId}.${ms(round.closesAt)}`, runAt: closingAt, data: { roundId: round.roundId, at: round.closesAt } });
    // The same moment, to each organisation with a draft it has not sent (service mail, not an alert).
    jobs.push({ name: 'draft-reminder', id: `draft-reminder.${round.roundId}.${ms(round.closesAt)}`, runAt: closingAt, data: { roundId: round.roundId, at: round.closesAt } });
  }
  return jobs;
}

/** A reminder before each due item, and the moments its lateness would cross Amber and Red. */
export function monitoringJobs(applicationId: string, items: readonly DueItem[], policy: PlanningPolicy): PlannedJob[] {
  return items.flatMap((item): PlannedJob[] => {
    const { amberAt, redAt } = ragCheckpoints(item, policy.rag);
    return [
      {
        name: 'grantee-reminder',
        id: `reminder.${applicationId}.${item.key}.${ms(item.dueAt)}`,
        runAt: minusDuration(item.dueAt, policy.reminderLead),
        data: { applicationId, itemKey: item.key, dueAt: item.dueAt },
      },
      { name: 'rag-check', id: `rag-check.${applicationId}.${item.key}.${ms(item.dueAt)}.amber`, runAt: amberAt, data: { applicationId } },
      { name: 'rag-check', id: `rag-check.${applicationId}.${item.key}.${ms(item.dueAt)}.red`, runAt: redAt, data: { applicationId } },
    ];
  });
}

function invitationJob(event: RecordedEvent, data: Record<string, string>): PlannedJob {
  return { name: 'invitation', id: `invitation.${event.id}`, runAt: event.recordedAt, data };
}

/**
 * Jobs one event calls for. `previousRound` is the round as it stood before a reschedule or a
 * cancellation, so the notices planned for the old dates can be removed.
 */
export function planJobs(event: RecordedEvent, policy: PlanningPolicy, previousRound?: RoundDates): JobPlan {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'RoundScheduled':
      return { add: roundNoticeJobs(d as unknown as RoundDates, policy), remove: [] };
    case 'RoundRescheduled': {
      const next = d as unknown as RoundDates;
      const add = roundNoticeJobs(next, policy);
      const keep = new Set(add.map((j) => j.id));
      const remove = previousRound ? roundNoticeJobs(previousRound, policy).map((j) => j.id).filter((id) => !keep.has(id)) : [];
      return { add, remove };
    }
    case 'RoundCancelled':
      return { add: [], remove: previousRound ? roundNoticeJobs(previousRound, policy).map((j) => j.id) : [] };
    case 'SubscriptionRequested':
      return {
        add: [
          {
            name: 'subscription-confirmation',
            id: `subscription-confirmation.${d.requestId as string}`,
            runAt: event.recordedAt,
            data: { subscriptionId: d.subscriptionId as string, requestId: d.requestId as string },
          },
        ],
        remove: [],
      };
    case 'PersonalDataErased': {
      // What the worker keeps outside the log goes too: now, and again once jobs running now have finished.
      const person = d.person as string;
      const later = new Date(Date.parse(event.recordedAt) + ERASURE_CLEANUP_AGAIN_AFTER_MS).toISOString();
      return {
        add: [
          { name: 'erasure-cleanup', id: `erasure-cleanup.${person}`, runAt: event.recordedAt, data: { person } },
          { name: 'erasure-cleanup', id: `erasure-cleanup.${person}.again`, runAt: later, data: { person } },
        ],
        remove: [],
      };
    }
    case 'ApplicationSubmitted':
      // The sender's receipt: a copy of the answers, the reference, what happens next.
      return { add: [{ name: 'application-sent', id: `application-sent.${event.id}`, runAt: event.recordedAt, data: { applicationId: d.applicationId as string } }], remove: [] };
    case 'MemberAdded':
      // A colleague added by a member hears of it; the person who registered the group does not.
      if (d.addedBy === d.personId) return { add: [], remove: [] };
      return { add: [invitationJob(event, { personId: d.personId as string, orgId: d.orgId as string, by: d.addedBy as string })], remove: [] };
    case 'RoleGranted':
      // Staff inviting someone; not the grant ADMIN_EMAILS makes at a first sign-in.
      if (event.metadata.actor.role === 'system') return { add: [], remove: [] };
      return { add: [invitationJob(event, { personId: d.personId as string, role: d.role as string, zone: (d.zone as string | null) ?? '', roundId: (d.roundId as string | null) ?? '', by: event.metadata.actor.sub })], remove: [] };
    case 'MonitoringScheduled':
      return { add: monitoringJobs(d.applicationId as string, d.items as DueItem[], policy), remove: [] };
    case 'ProjectDatesChanged': {
      // Only what moved: an unmoved item's jobs are already planned (or done, and must not run twice).
      const applicationId = d.applicationId as string;
      const before = d.previousSchedule as DueItem[];
      const after = d.schedule as DueItem[];
      const unmoved = (item: DueItem, other: DueItem[]) => other.some((o) => o.key === item.key && o.dueAt === item.dueAt);
      return {
        add: monitoringJobs(applicationId, after.filter((i) => !unmoved(i, before)), policy),
        remove: monitoringJobs(applicationId, before.filter((i) => !unmoved(i, after)), policy).map((j) => j.id),
      };
    }
    case 'GrantRagRated': {
      const rating = d.rating as string;
      if ((rating !== 'amber' && rating !== 'red') || rating === d.previous) return { add: [], remove: [] };
      return {
        add: [
          {
            name: 'rag-alert',
            id: `rag-alert.${event.id}`,
            runAt: event.recordedAt,
            data: { applicationId: d.applicationId as string, eventId: event.id, rating, previous: d.previous as string, reason: d.reason as string },
          },
        ],
        remove: [],
      };
    }
    default:
      return { add: [], remove: [] };
  }
}
