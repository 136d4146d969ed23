import { DueItem, MAX_RETURNS, monitoringSchedule, MonitoringPolicy } from './policy';

// ---------------------------------------------------------------------------------------------
// Fixed times only: the grant is awarded 15 July 2024 10:30 UTC (11:30 British Summer Time).
// Durations are added on the UK calendar and clock, so due times keep the award's time of day in
// the UK: 11:30 local is 10:30 UTC in summer and 11:30 UTC in winter. A project's last day ends
// at midnight in the UK (22:59:59.999 UTC in summer).
// ---------------------------------------------------------------------------------------------
const AWARDED_AT = '2024-07-15T10:30:00.000Z';
const DEFAULT_POLICY: MonitoringPolicy = { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' };

const dueAts = (items: DueItem[]) => items.map((i) => i.dueAt);
const keys = (items: DueItem[]) => items.map((i) => i.key);

describe('monitoringSchedule', () => {
  it('default policy: check-in a month after the award, a return every three months, the case study at the end of the project-end day', () => {
    expect(monitoringSchedule(AWARDED_AT, '2025-08-31', DEFAULT_POLICY)).toEqual([
      { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' },
      { key: 'return-1', kind: 'return', dueAt: '2024-10-15T10:30:00.000Z' },
      { key: 'return-2', kind: 'return', dueAt: '2025-01-15T11:30:00.000Z' }, // GMT: 11:30 in the UK all the same
      { key: 'return-3', kind: 'return', dueAt: '2025-04-15T10:30:00.000Z' },
      { key: 'return-4', kind: 'return', dueAt: '2025-07-15T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T22:59:59.999Z' }, // midnight BST
    ]);
  });

  it('counts returns from the award, not from the check-in', () => {
    const items = monitoringSchedule(AWARDED_AT, '2025-08-31', { firstCheckinAfter: 'P2M', monitoringInterval: 'P3M' });
    expect(items.find((i) => i.key === 'check-in')?.dueAt).toBe('2024-09-15T10:30:00.000Z');
    expect(items.find((i) => i.key === 'return-1')?.dueAt).toBe('2024-10-15T10:30:00.000Z');
  });

  it('an award on 31 January (leap year) with P1M/P3M does not drift: month ends are clamped, then recovered', () => {
    expect(dueAts(monitoringSchedule('2024-01-31T10:00:00.000Z', '2025-01-31', DEFAULT_POLICY))).toEqual([
      '2024-02-29T10:00:00.000Z', // check-in: 31 Jan + 1 month
      '2024-04-30T09:00:00.000Z', // 10:00 BST
      '2024-07-31T09:00:00.000Z', // not 30 July: 3 months x 2 from the award, not 30 April + 3 months
      '2024-10-31T10:00:00.000Z', // GMT again
      '2025-01-31T10:00:00.000Z', // due on the project-end day, before its end: still a return
      '2025-01-31T23:59:59.999Z', // case study
    ]);
  });

  it('an award on 31 January (non-leap year) gives 28 February for the check-in', () => {
    const [checkIn, first] = monitoringSchedule('2023-01-31T00:00:00.000Z', '2023-12-31', DEFAULT_POLICY);
    expect(checkIn.dueAt).toBe('2023-02-28T00:00:00.000Z');
    expect(first.dueAt).toBe('2023-04-29T23:00:00.000Z'); // midnight BST on 30 April
  });

  it('monthly returns from 31 January land on each month end, never stuck on the 29th', () => {
    const items = monitoringSchedule('2024-01-31T09:00:00.000Z', '2024-06-15', { firstCheckinAfter: 'P1M', monitoringInterval: 'P1M' });
    expect(items.filter((i) => i.kind === 'return').map((i) => i.dueAt)).toEqual([
      '2024-02-29T09:00:00.000Z',
      '2024-03-31T08:00:00.000Z', // summer time began that morning: still 9am in the UK
      '2024-04-30T08:00:00.000Z',
      '2024-05-31T08:00:00.000Z',
    ]);
  });

  it('a project ending before the first return: check-in and case study only, the case study due with the later check-in', () => {
    expect(monitoringSchedule(AWARDED_AT, '2024-08-01', DEFAULT_POLICY)).toEqual([
      { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2024-08-15T10:30:00.000Z' },
    ]);
  });

  it('a project ending after the check-in but before the first return: the case study at the end of the project-end day', () => {
    expect(monitoringSchedule(AWARDED_AT, '2024-10-14', DEFAULT_POLICY)).toEqual([
      { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2024-10-14T22:59:59.999Z' },
    ]);
  });

  it('a return due on the project-end day is kept; one due the day after is not', () => {
    expect(keys(monitoringSchedule(AWARDED_AT, '2024-10-15', DEFAULT_POLICY))).toEqual(['check-in', 'return-1', 'case-study']);
    expect(keys(monitoringSchedule(AWARDED_AT, '2024-10-14', DEFAULT_POLICY))).toEqual(['check-in', 'case-study']);
  });

  it('a return falling exactly at the end of the project-end day is not before it, so it is not scheduled', () => {
    const atTheEnd = monitoringSchedule('2024-07-15T22:59:59.999Z', '2024-10-15', DEFAULT_POLICY);
    expect(keys(atTheEnd)).toEqual(['check-in', 'case-study']);
    const oneMsEarlier = monitoringSchedule('2024-07-15T22:59:59.998Z', '2024-10-15', DEFAULT_POLICY);
    expect(oneMsEarlier.find((i) => i.key === 'return-1')?.dueAt).toBe('2024-10-15T22:59:59.998Z');
  });

  it('shrunk durations (PT2S) hit the MAX_RETURNS cap; the case study stays at the end of the project-end day', () => {
    const items = monitoringSchedule(AWARDED_AT, '2025-08-31', { firstCheckinAfter: 'PT1S', monitoringInterval: 'PT2S' });
    const returns = items.filter((i) => i.kind === 'return');
    expect(MAX_RETURNS).toBe(20);
    expect(returns).toHaveLength(MAX_RETURNS);
    expect(items).toHaveLength(MAX_RETURNS + 2);
    expect(items[0]).toEqual({ key: 'check-in', kind: 'check-in', dueAt: '2024-07-15T10:30:01.000Z' });
    expect(returns[0]).toEqual({ key: 'return-1', kind: 'return', dueAt: '2024-07-15T10:30:02.000Z' });
    expect(returns[MAX_RETURNS - 1]).toEqual({ key: `return-${MAX_RETURNS}`, kind: 'return', dueAt: '2024-07-15T10:30:40.000Z' });
    expect(items[items.length - 1]).toEqual({ key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T22:59:59.999Z' });
  });

  it('shrunk durations below the cap: only the returns before the end of the project-end day', () => {
    const items = monitoringSchedule('2024-07-15T22:59:50.000Z', '2024-07-15', { firstCheckinAfter: 'PT1S', monitoringInterval: 'PT2S' });
    expect(items.filter((i) => i.kind === 'return').map((i) => i.dueAt)).toEqual([
      '2024-07-15T22:59:52.000Z',
      '2024-07-15T22:59:54.000Z',
      '2024-07-15T22:59:56.000Z',
      '2024-07-15T22:59:58.000Z',
    ]);
    expect(items.at(-1)?.dueAt).toBe('2024-07-15T22:59:59.999Z');
  });

  it('nothing falls due before the check-in: a return the check-in would follow is not scheduled, and the case study comes with the check-in', () => {
    // FIRST_CHECKIN_AFTER P2M > MONITORING_INTERVAL P1M: return-1 (15 Aug) would come before the check-in (15 Sep).
    const items = monitoringSchedule(AWARDED_AT, '2024-09-01', { firstCheckinAfter: 'P2M', monitoringInterval: 'P1M' });
    expect(items).toEqual([
      { key: 'check-in', kind: 'check-in', dueAt: '2024-09-15T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2024-09-15T10:30:00.000Z' },
    ]);
  });

  it('never puts anything due on the day of the award, even for a project that ended before it', () => {
    const items = monitoringSchedule(AWARDED_AT, '2024-06-30', DEFAULT_POLICY);
    for (const item of items) expect(Date.parse(item.dueAt)).toBeGreaterThanOrEqual(Date.parse('2024-08-15T10:30:00.000Z'));
  });

  it('writes every due time in UTC, whatever offset the award time was given in', () => {
    const items = monitoringSchedule('2024-07-15T11:30:00.000+01:00', '2024-12-31', DEFAULT_POLICY);
    expect(dueAts(items)).toEqual(['2024-08-15T10:30:00.000Z', '2024-10-15T10:30:00.000Z', '2024-12-31T23:59:59.999Z']);
  });

  it('gives every item a distinct key, check-in first and case study last', () => {
    const items = monitoringSchedule(AWARDED_AT, '2027-12-31', DEFAULT_POLICY);
    expect(new Set(keys(items)).size).toBe(items.length);
    expect(items[0].kind).toBe('check-in');
    expect(items.at(-1)?.kind).toBe('case-study');
    expect(items.filter((i) => i.kind === 'case-study')).toHaveLength(1);
    expect(items.filter((i) => i.kind === 'check-in')).toHaveLength(1);
  });
});
