import { Conflict, NotFound } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { APP, declined, edited, given, MONITORING, OTHER_ORG, submitted, withdrawn } from '../testing/application-fixtures';
import {
  aClosedGrant,
  anAward,
  awardInMonitoringRound,
  CHECK_IN_DUE,
  evaluateRag,
  fileCaseStudy,
  fileCheckIn,
  fileReturn,
  ON_TIME,
  openedWithoutContact,
  rateGrant,
  RETURN_1_DUE,
  SCHEDULE,
} from '../testing/monitoring-fixtures';
import { type DueItem } from './policy';

describe('application decider: MonitoringScheduled at award', () => {
  it('awarding records the schedule (check-in, quarterly returns, case study) and the policy it was built with', () => {
    const events = applicationDecider.decide(awardInMonitoringRound(), given(openedWithoutContact(), submitted()).state);
    expect(events.map((e) => e.type)).toEqual(['ApplicationAwarded', 'MonitoringScheduled']);
    expect(events[1]).toEqual({ type: 'MonitoringScheduled', data: { applicationId: APP, items: SCHEDULE, policy: MONITORING } });
  });

  it("builds the schedule from the project end as it stood at submission (after the draft's edits)", () => {
    const events = applicationDecider.decide(awardInMonitoringRound(), given(openedWithoutContact(), edited({ projectEnd: '2024-12-31' }), submitted()).state);
    expect(events[1].data).toMatchObject({
      items: [
        { key: 'check-in', kind: 'check-in', dueAt: CHECK_IN_DUE },
        { key: 'return-1', kind: 'return', dueAt: RETURN_1_DUE },
        { key: 'case-study', kind: 'case-study', dueAt: '2024-12-31T23:59:59.999Z' },
      ],
    });
  });

  it('uses the monitoring policy handed in with the command (shrunk durations), and records it', () => {
    const policy = { firstCheckinAfter: 'PT1S', monitoringInterval: 'PT2S' };
    const [, event] = applicationDecider.decide(awardInMonitoringRound({ monitoringPolicy: policy }), given(openedWithoutContact(), submitted()).state);
    expect(event).toMatchObject({ type: 'MonitoringScheduled', data: { policy } });
    const items = (event.data as { items: DueItem[] }).items;
    expect(items[0]).toEqual({ key: 'check-in', kind: 'check-in', dueAt: '2024-07-15T10:30:01.000Z' });
    expect(items.filter((i) => i.kind === 'return')).toHaveLength(20);
  });

  it('an award starts Green, with the schedule in state and nothing filed', () => {
    expect(given(...anAward()).state).toMatchObject({
      status: 'awarded',
      rag: 'green',
      lastAutomaticRag: 'green',
      schedule: SCHEDULE,
      filed: [],
      latestReturnOnTrack: null,
    });
  });
});

const applicantCommands = [
  ['FileCheckIn', fileCheckIn()],
  ['FileMonitoringReturn', fileReturn()],
  ['FileCaseStudy', fileCaseStudy()],
] as const;
const monitoringCommands = [...applicantCommands, ['RateGrant', rateGrant()]] as const;

describe('application decider: who and what is monitored', () => {
  it.each(applicantCommands)("%s on another organisation's grant is not found (its existence is not leaked)", (_name, command) => {
    given(...anAward()).when({ ...command, org: OTHER_ORG }).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it.each(applicantCommands)("%s on another organisation's closed grant is also not found, not a conflict", (_name, command) => {
    given(...aClosedGrant()).when({ ...command, org: OTHER_ORG }).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it.each([...monitoringCommands, ['EvaluateRag', evaluateRag(ON_TIME)]] as const)('%s on an unknown application is not found', (_name, command) => {
    given().when(command).thenThrows(NotFound, `Application ${APP} not found`);
  });

  describe.each([
    ['draft', () => [openedWithoutContact()]],
    ['submitted', () => [openedWithoutContact(), submitted()]],
    ['withdrawn', () => [openedWithoutContact(), submitted(), withdrawn()]],
    ['declined', () => [openedWithoutContact(), submitted(), declined()]],
  ] as const)('a %s application', (status, events) => {
    it.each(monitoringCommands)('refuses %s: only awarded grants are monitored', (_name, command) => {
      given(...events()).when(command).thenThrows(Conflict, `Monitoring applies to awarded grants; this application is ${status}`);
    });
  });

  it.each(monitoringCommands)('refuses %s once the case study has closed the grant', (_name, command) => {
    given(...aClosedGrant()).when(command).thenThrows(Conflict, 'This grant is closed: its case study has been filed');
  });
});
