import { Conflict } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import type { ApplicationEvent } from '../events';
import { APP, type Cmd, given, MONITORING } from '../testing/application-fixtures';
import { aClosedGrant, anAward, CHECK_IN_RED, checkInFiled, funded, ON_TIME, RAG, returnFiled, SCHEDULE } from '../testing/monitoring-fixtures';

const changeDates = (o: Partial<Cmd<'ChangeProjectDates'>> = {}): Cmd<'ChangeProjectDates'> => ({
  type: 'ChangeProjectDates',
  applicationId: APP,
  projectStart: '2024-10-01',
  projectEnd: '2025-11-30',
  reason: '  The hall was unavailable until October  ',
  monitoringPolicy: MONITORING,
  ragPolicy: RAG,
  now: ON_TIME,
  ...o,
});

const changed = (events: ApplicationEvent[]) => {
  const event = events.find((e) => e.type === 'ProjectDatesChanged');
  if (!event || event.type !== 'ProjectDatesChanged') throw new Error('no ProjectDatesChanged');
  return event.data;
};

describe('application decider: ChangeProjectDates (staff)', () => {
  it('reschedules what is still to file from the award, keeps the reason, and records the schedule it replaces', () => {
    const events = applicationDecider.decide(changeDates(), given(...anAward(), checkInFiled()).state);
    const data = changed(events);
    expect(data).toMatchObject({ projectStart: '2024-10-01', projectEnd: '2025-11-30', reason: 'The hall was unavailable until October', changedAt: ON_TIME });
    expect(data.previousSchedule).toEqual(SCHEDULE);
    // Three months on from the award while the project runs: a fifth return, then the case study at the new end (11:30 UK time; the end of the last day in GMT).
    expect(data.schedule.map((i) => [i.key, i.dueAt])).toEqual([
      ...SCHEDULE.slice(0, 5).map((i) => [i.key, i.dueAt]),
      ['return-5', '2025-10-15T10:30:00.000Z'],
      ['case-study', '2025-11-30T23:59:59.999Z'],
    ]);
  });

  it('leaves a filed item where it was even when the new dates would no longer ask for it', () => {
    const state = given(...anAward(), checkInFiled(), returnFiled('return-1'), returnFiled('return-2', true, '2025-01-15T12:00:00.000Z')).state;
    const data = changed(applicationDecider.decide(changeDates({ projectStart: '2024-09-01', projectEnd: '2024-12-31' }), state));
    expect(data.schedule.map((i) => i.key)).toEqual(['check-in', 'return-1', 'case-study', 'return-2']);
    expect(data.schedule.find((i) => i.key === 'return-2')).toEqual(SCHEDULE[2]);
    expect(data.schedule.find((i) => i.key === 'case-study')!.dueAt).toBe('2024-12-31T23:59:59.999Z');
  });

  it('evolves: the grant is monitored on the new schedule with the new dates', () => {
    const events = applicationDecider.decide(changeDates(), given(...anAward()).state);
    const state = funded(given(...anAward(), ...events).state);
    expect(state.details).toMatchObject({ projectStart: '2024-10-01', projectEnd: '2025-11-30' });
    expect(state.schedule.map((i) => i.key)).toContain('return-5');
  });

  it('follows the new schedule with a fresh verdict: moving an overdue item later lifts a Red the policy gave', () => {
    const lateState = given(...anAward()).state;
    const red = applicationDecider.decide({ type: 'EvaluateRag', applicationId: APP, now: CHECK_IN_RED, ragPolicy: RAG }, lateState);
    const state = given(...anAward(), ...red).state;
    expect(funded(state).rag).toBe('red');
    // The check-in is still due a month after the award: moving dates does not excuse it.
    const events = applicationDecider.decide(changeDates({ now: CHECK_IN_RED }), state);
    expect(events.map((e) => e.type)).toEqual(['ProjectDatesChanged']);
  });

  it('changes nothing when the dates are the ones already held', () => {
    given(...anAward()).when(changeDates({ projectStart: '2024-09-01', projectEnd: '2025-08-31' })).then([]);
  });

  it('names every bad field at once', () => {
    given(...anAward())
      .when(changeDates({ reason: '  ', projectStart: '2025-01-01', projectEnd: '2024-12-31' }))
      .thenInvalid('reason must not be empty', 'projectEnd must be after projectStart');
  });

  it('refuses a grant that is not being monitored', () => {
    given(...aClosedGrant()).when(changeDates()).thenThrows(Conflict, 'closed');
  });
});
