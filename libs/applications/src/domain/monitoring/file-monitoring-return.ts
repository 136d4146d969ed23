import { Conflict, Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { monitored, nextOutstanding, reassess } from './monitored';
import type { RagPolicy } from './policy';

/**
 * A quarterly monitoring return, in plain language. It is filed against the next return due;
 * saying the project is not on track turns the grant Amber, which means an offer of support.
 */
export interface FileMonitoringReturn {
  type: 'FileMonitoringReturn';
  applicationId: string;
  org: string;
  period: string;
  spentPence: number;
  beneficiaries: number;
  progress: string;
  onTrack: boolean;
  issues?: string;
  ragPolicy: RagPolicy;
  now: string;
}

export function fileMonitoringReturn(c: FileMonitoringReturn, application: ExistingApplication): ApplicationEvent[] {
  const grant = monitored(application);
  const item = nextOutstanding(grant, 'return');
  if (!item) throw new Conflict('Every scheduled monitoring return has been filed; the case study is what remains');
  new Problems()
    .check(c.period.trim().length > 0, 'period must not be empty')
    .check(c.progress.trim().length > 0, 'progress must not be empty')
    .check(Number.isSafeInteger(c.spentPence) && c.spentPence >= 0, 'spentPence must be a whole number of pence, 0 or more')
    .check(Number.isSafeInteger(c.beneficiaries) && c.beneficiaries >= 0, 'beneficiaries must be a whole number, 0 or more')
    .throwIfAny();
  return reassess(grant, c.now, c.ragPolicy, [
    {
      type: 'MonitoringReturnFiled',
      data: {
        applicationId: c.applicationId,
        itemKey: item.key,
        period: c.period.trim(),
        spentPence: c.spentPence,
        beneficiaries: c.beneficiaries,
        progress: c.progress.trim(),
        onTrack: c.onTrack,
        issues: c.issues?.trim() || null,
        filedAt: c.now,
      },
    },
  ]);
}
