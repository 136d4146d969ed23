import type { RecordedEvent } from '@pz/event-store';
import type { DueItem } from '@pz/applications/domain';
import { monitoringJobs, planJobs, PlanningPolicy } from './job-plan';

const POLICY: PlanningPolicy = { reminderLead: 'P7D', rag: { amberAfter: 'P7D', redAfter: 'P28D' } };
const APP = 'app-1';

const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: 'event-1',
  type,
  data,
  metadata: { actor: { sub: 'staff-1', role: 'staff' }, occurredAt: '2024-08-01T09:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
  streamId: `application-${APP}`,
  revision: 3,
  position: 10,
  recordedAt: '2024-08-01T09:00:00.000Z',
  hash: 'h',
  prevHash: 'p',
});

const CHECK_IN: DueItem = { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' };
const RETURN_1: DueItem = { key: 'return-1', kind: 'return', dueAt: '2024-10-15T10:30:00.000Z' };
const CASE_STUDY: DueItem = { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T22:59:59.999Z' };
const ids = (items: DueItem[]) => monitoringJobs(APP, items, POLICY).map((j) => j.id);

describe('job plan: monitoring', () => {
  it('names each job by its item and due date, with the reminder a lead ahead and the checks the moment lateness crosses Amber and Red, in UK time (Red is after the clocks go back)', () => {
    const jobs = monitoringJobs(APP, [RETURN_1], POLICY);
    expect(jobs.map((j) => [j.name, j.id, j.runAt])).toEqual([
      ['grantee-reminder', `reminder.${APP}.return-1.${Date.parse(RETURN_1.dueAt)}`, '2024-10-08T10:30:00.000Z'],
      ['rag-check', `rag-check.${APP}.return-1.${Date.parse(RETURN_1.dueAt)}.amber`, '2024-10-22T10:30:00.001Z'],
      ['rag-check', `rag-check.${APP}.return-1.${Date.parse(RETURN_1.dueAt)}.red`, '2024-11-12T11:30:00.001Z'],
    ]);
  });

  it('on new project dates plans only what moved and removes the jobs of the old dates', () => {
    const movedCaseStudy = { ...CASE_STUDY, dueAt: '2025-11-30T23:59:59.999Z' };
    const return5: DueItem = { key: 'return-5', kind: 'return', dueAt: '2025-10-15T10:30:00.000Z' };
    const plan = planJobs(
      recorded('ProjectDatesChanged', {
        applicationId: APP,
        previousSchedule: [CHECK_IN, RETURN_1, CASE_STUDY],
        schedule: [CHECK_IN, RETURN_1, return5, movedCaseStudy],
      }),
      POLICY,
    );
    expect(plan.add.map((j) => j.id)).toEqual(ids([return5, movedCaseStudy]));
    expect(plan.remove).toEqual(ids([CASE_STUDY]));
  });

  it('removes the jobs of an item the new dates no longer ask for', () => {
    const plan = planJobs(recorded('ProjectDatesChanged', { applicationId: APP, previousSchedule: [CHECK_IN, RETURN_1], schedule: [CHECK_IN] }), POLICY);
    expect(plan).toEqual({ add: [], remove: ids([RETURN_1]) });
  });
});
