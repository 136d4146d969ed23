import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent, Tranche } from '../events';
import { MonitoringPolicy, monitoringSchedule } from '../monitoring/policy';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication } from '../state';
import { decidable } from './decidable';

export const BRANDING_CONDITION = 'people-zones-branding';
export const STEERING_GROUP_CONDITION = 'steering-group-attendance';
/** Awards of £5,000 or more carry the steering-group attendance condition. */
export const STEERING_GROUP_THRESHOLD_PENCE = 500_000;

/**
 * Staff award a grant, paid in tranches, with the funder's conditions; its monitoring schedule is
 * fixed at the same moment. (The round's budget is guarded by the round's own stream: see the
 * award handler.)
 */
export interface AwardGrant {
  type: 'AwardGrant';
  applicationId: string;
  round: RoundFacts;
  monitoringPolicy: MonitoringPolicy;
  amountPence: number;
  tranches?: Tranche[];
  conditions?: string[];
  note?: string;
  now: string;
}

export function awardGrant(c: AwardGrant, existing: ExistingApplication): ApplicationEvent[] {
  const application = decidable(existing, c.round, c.now, 'award');
  const d = application.details;
  const awardDate = c.now.slice(0, 10);
  const tranches = c.tranches && c.tranches.length > 0 ? c.tranches : [{ amountPence: c.amountPence, dueOn: awardDate }];
  const trancheTotal = tranches.reduce((sum, t) => sum + t.amountPence, 0);
  new Problems()
    .check(Number.isSafeInteger(c.amountPence) && c.amountPence > 0, 'amountPence must be a positive whole number of pence')
    .check(c.amountPence <= d.requestedPence, `amountPence must not exceed the ${d.requestedPence} pence requested`)
    .check(
      c.round.maxAwardPence === null || c.amountPence <= c.round.maxAwardPence,
      `amountPence must not exceed the round's maximum award of ${c.round.maxAwardPence} pence`,
    )
    .check(trancheTotal === c.amountPence, `tranches must add up to amountPence (${trancheTotal} ≠ ${c.amountPence})`)
    .check(tranches.every((t) => t.amountPence > 0), 'every tranche must be a positive amount')
    .check(
      tranches.every((t, i) => i === 0 || t.dueOn >= tranches[i - 1].dueOn),
      'tranches must be in date order',
    )
    .throwIfAny();
  const conditions = [BRANDING_CONDITION];
  if (c.amountPence >= STEERING_GROUP_THRESHOLD_PENCE) conditions.push(STEERING_GROUP_CONDITION);
  for (const extra of c.conditions ?? []) if (!conditions.includes(extra)) conditions.push(extra);
  return [
    {
      type: 'ApplicationAwarded',
      data: {
        applicationId: c.applicationId,
        roundId: c.round.roundId,
        amountPence: c.amountPence,
        tranches: tranches.map((t) => ({ amountPence: t.amountPence, dueOn: t.dueOn })),
        conditions,
        note: c.note?.trim() || null,
        awardedAt: c.now,
      },
    },
    {
      type: 'MonitoringScheduled',
      data: { applicationId: c.applicationId, items: monitoringSchedule(c.now, d.projectEnd, c.monitoringPolicy), policy: c.monitoringPolicy },
    },
  ];
}
