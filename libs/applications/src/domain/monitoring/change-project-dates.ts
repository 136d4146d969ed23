import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { monitored, reassess } from './monitored';
import { DueItem, MonitoringPolicy, monitoringSchedule, RagPolicy } from './policy';

/**
 * Staff change a funded project's dates, saying why (a delayed start, an extension). Monitoring
 * moves with them: what is still to file is rescheduled from the award, as the award would have
 * scheduled it; what was filed stays as it was.
 */
export interface ChangeProjectDates {
  type: 'ChangeProjectDates';
  applicationId: string;
  projectStart: string;
  projectEnd: string;
  reason: string;
  /** The policy to use if the award recorded none (it always does since schedules were recorded). */
  monitoringPolicy: MonitoringPolicy;
  ragPolicy: RagPolicy;
  now: string;
}

export function changeProjectDates(c: ChangeProjectDates, application: ExistingApplication): ApplicationEvent[] {
  const grant = monitored(application);
  new Problems()
    .check(c.reason.trim().length > 0, 'reason must not be empty: every change of dates says why')
    .check(c.projectEnd > c.projectStart, 'projectEnd must be after projectStart')
    .throwIfAny();
  const { projectStart, projectEnd } = grant.details;
  if (c.projectStart === projectStart && c.projectEnd === projectEnd) return [];
  const filed = new Map(grant.schedule.filter((i) => grant.filed.includes(i.key)).map((i) => [i.key, i]));
  const fresh = monitoringSchedule(grant.awardedAt, c.projectEnd, grant.monitoringPolicy ?? c.monitoringPolicy);
  const schedule: DueItem[] = [...fresh.map((i) => filed.get(i.key) ?? i), ...[...filed.values()].filter((i) => !fresh.some((f) => f.key === i.key))];
  return reassess(grant, c.now, c.ragPolicy, [
    {
      type: 'ProjectDatesChanged',
      data: {
        applicationId: c.applicationId,
        projectStart: c.projectStart,
        projectEnd: c.projectEnd,
        reason: c.reason.trim(),
        changedAt: c.now,
        schedule,
        previousSchedule: grant.schedule,
      },
    },
  ]);
}
