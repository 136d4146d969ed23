import { DueItem, ITEM_LABELS, RagInputs, RagPolicy, ragCheckpoints, ragVerdict } from './policy';

// Fixed times only: the grant was awarded 15 July 2024 10:30 (UTC).
const DEFAULT_RAG: RagPolicy = { amberAfter: 'P7D', redAfter: 'P28D' };

const MS = 1;
const SECOND = 1000 * MS;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

/** A fixed instant shifted by a number of milliseconds (plain arithmetic, never the clock). */
function shift(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}


// ---- RAG verdict -----------------------------------------------------------------------------

const CHECK_IN: DueItem = { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' };
const RETURN_1: DueItem = { key: 'return-1', kind: 'return', dueAt: '2024-10-15T10:30:00.000Z' };
const RETURN_2: DueItem = { key: 'return-2', kind: 'return', dueAt: '2025-01-15T10:30:00.000Z' };
const CASE_STUDY: DueItem = { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T23:59:59.999Z' };
const SCHEDULE = [CHECK_IN, RETURN_1, RETURN_2, CASE_STUDY];

function inputs(o: Partial<RagInputs> = {}): RagInputs {
  return { schedule: SCHEDULE, filed: [], latestReturnOnTrack: null, ...o };
}

const UP_TO_DATE = { rating: 'green', reason: 'Monitoring is up to date' };

describe('ragVerdict', () => {
  it('is Green before anything is due', () => {
    expect(ragVerdict(inputs(), '2024-07-20T00:00:00.000Z', DEFAULT_RAG)).toEqual(UP_TO_DATE);
  });

  it('is Green when an item is due right now, or overdue by less than amberAfter', () => {
    expect(ragVerdict(inputs(), CHECK_IN.dueAt, DEFAULT_RAG)).toEqual(UP_TO_DATE);
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 3 * DAY), DEFAULT_RAG)).toEqual(UP_TO_DATE);
  });

  it('exactly amberAfter overdue is not yet over it: still Green', () => {
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 7 * DAY), DEFAULT_RAG)).toEqual(UP_TO_DATE);
  });

  it('one millisecond more than amberAfter overdue is Amber, and the reason names the item and its due day', () => {
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 7 * DAY + MS), DEFAULT_RAG)).toEqual({
      rating: 'amber',
      reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue',
    });
  });

  it('exactly redAfter overdue is not yet over it: Amber, not Red', () => {
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 28 * DAY), DEFAULT_RAG)).toMatchObject({ rating: 'amber' });
  });

  it('one millisecond more than redAfter overdue is Red, and the reason names the item', () => {
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 28 * DAY + MS), DEFAULT_RAG)).toEqual({
      rating: 'red',
      reason: 'The first-month check-in due 2024-08-15 is more than 28 days overdue',
    });
  });

  it('Red names the most overdue item when several are late', () => {
    // check-in 69 days late, return-1 8 days late
    const verdict = ragVerdict(inputs(), shift(RETURN_1.dueAt, 8 * DAY), DEFAULT_RAG);
    expect(verdict).toEqual({ rating: 'red', reason: 'The first-month check-in due 2024-08-15 is more than 28 days overdue' });
  });

  it('judges by the most overdue item whatever order the schedule lists them in (a check-in due after the first return)', () => {
    const schedule: DueItem[] = [
      { key: 'check-in', kind: 'check-in', dueAt: '2024-09-10T10:30:00.000Z' },
      { key: 'return-1', kind: 'return', dueAt: '2024-08-15T10:30:00.000Z' },
    ];
    const now = shift('2024-08-15T10:30:00.000Z', 28 * DAY + MS); // return-1 just past Red, check-in 2 days late
    expect(ragVerdict(inputs({ schedule }), now, DEFAULT_RAG)).toEqual({
      rating: 'red',
      reason: 'The quarterly monitoring return due 2024-08-15 is more than 28 days overdue',
    });
  });

  it('two items each more than amberAfter overdue (neither past redAfter) is Red, naming both', () => {
    const schedule: DueItem[] = [
      { key: 'return-1', kind: 'return', dueAt: '2024-10-01T00:00:00.000Z' },
      { key: 'return-2', kind: 'return', dueAt: '2024-10-02T00:00:00.000Z' },
    ];
    const now = shift('2024-10-02T00:00:00.000Z', 7 * DAY + MS); // return-1 8 days late, return-2 7 days + 1 ms
    expect(ragVerdict(inputs({ schedule }), now, DEFAULT_RAG)).toEqual({
      rating: 'red',
      reason: '2 monitoring items are overdue: quarterly monitoring return due 2024-10-01, quarterly monitoring return due 2024-10-02',
    });
  });

  it('two items overdue, but the second exactly at amberAfter: only one is missed, so Amber', () => {
    const schedule: DueItem[] = [
      { key: 'return-1', kind: 'return', dueAt: '2024-10-01T00:00:00.000Z' },
      { key: 'return-2', kind: 'return', dueAt: '2024-10-02T00:00:00.000Z' },
    ];
    const now = shift('2024-10-02T00:00:00.000Z', 7 * DAY);
    expect(ragVerdict(inputs({ schedule }), now, DEFAULT_RAG)).toEqual({
      rating: 'amber',
      reason: 'The quarterly monitoring return due 2024-10-01 is more than 7 days overdue',
    });
  });

  it('filed items never count, however late they were', () => {
    const now = shift(RETURN_1.dueAt, 60 * DAY);
    expect(ragVerdict(inputs({ filed: ['check-in', 'return-1'] }), now, DEFAULT_RAG)).toEqual(UP_TO_DATE);
  });

  it('filing one item does not excuse another: the unfiled one still counts', () => {
    const now = shift(RETURN_1.dueAt, 8 * DAY);
    expect(ragVerdict(inputs({ filed: ['check-in'] }), now, DEFAULT_RAG)).toEqual({
      rating: 'amber',
      reason: 'The quarterly monitoring return due 2024-10-15 is more than 7 days overdue',
    });
  });

  it('a late case study counts like any other item', () => {
    const now = shift(CASE_STUDY.dueAt, 7 * DAY + MS);
    const allButCaseStudy = ['check-in', 'return-1', 'return-2'];
    expect(ragVerdict(inputs({ filed: allButCaseStudy }), now, DEFAULT_RAG)).toEqual({
      rating: 'amber',
      reason: 'The end-of-project case study due 2025-08-31 is more than 7 days overdue',
    });
  });

  it('the latest return saying it is not on track is Amber (an offer of support), with nothing overdue', () => {
    const verdict = ragVerdict(inputs({ filed: ['check-in', 'return-1'], latestReturnOnTrack: false }), shift(RETURN_1.dueAt, DAY), DEFAULT_RAG);
    expect(verdict).toEqual({
      rating: 'amber',
      reason: 'The latest monitoring return says the project is not on track: an offer of support is due',
    });
  });

  it('a latest return on track, or none yet, is Green', () => {
    const now = shift(RETURN_1.dueAt, DAY);
    expect(ragVerdict(inputs({ filed: ['check-in', 'return-1'], latestReturnOnTrack: true }), now, DEFAULT_RAG)).toEqual(UP_TO_DATE);
    expect(ragVerdict(inputs({ filed: ['check-in'], latestReturnOnTrack: null }), shift(CHECK_IN.dueAt, DAY), DEFAULT_RAG)).toEqual(UP_TO_DATE);
  });

  it('an overdue item outranks the not-on-track reason, and Red outranks both', () => {
    const amber = ragVerdict(inputs({ latestReturnOnTrack: false }), shift(CHECK_IN.dueAt, 8 * DAY), DEFAULT_RAG);
    expect(amber).toEqual({ rating: 'amber', reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue' });
    const red = ragVerdict(inputs({ latestReturnOnTrack: false }), shift(CHECK_IN.dueAt, 29 * DAY), DEFAULT_RAG);
    expect(red).toMatchObject({ rating: 'red' });
  });

  it('takes its thresholds from the policy: shrunk durations (PT5S / PT30S) work the same way, to the millisecond', () => {
    const shrunk: RagPolicy = { amberAfter: 'PT5S', redAfter: 'PT30S' };
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 5 * SECOND), shrunk)).toEqual(UP_TO_DATE);
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 5 * SECOND + MS), shrunk)).toEqual({
      rating: 'amber',
      reason: 'The first-month check-in due 2024-08-15 is more than 5 seconds overdue',
    });
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 30 * SECOND), shrunk)).toMatchObject({ rating: 'amber' });
    expect(ragVerdict(inputs(), shift(CHECK_IN.dueAt, 30 * SECOND + MS), shrunk)).toEqual({
      rating: 'red',
      reason: 'The first-month check-in due 2024-08-15 is more than 30 seconds overdue',
    });
  });

  it('uses the labels the grantee and staff see', () => {
    expect(ITEM_LABELS).toEqual({
      'check-in': 'first-month check-in',
      return: 'quarterly monitoring return',
      'case-study': 'end-of-project case study',
    });
  });
});

// ---- checkpoints -----------------------------------------------------------------------------

describe('RAG thresholds on the UK calendar', () => {
  // Due 9am GMT on Thursday 27 March 2025; summer time begins on the Sunday between.
  const DUE_BEFORE_BST: DueItem = { key: 'return-1', kind: 'return', dueAt: '2025-03-27T09:00:00.000Z' };
  const policy: RagPolicy = { amberAfter: 'P7D', redAfter: 'P28D' };

  it('passes "7 days overdue" at 9am in the UK a week later, which is 8am UTC under summer time', () => {
    const rag = (now: string) => ragVerdict({ schedule: [DUE_BEFORE_BST], filed: [], latestReturnOnTrack: null }, now, policy).rating;
    expect(rag('2025-04-03T07:59:59.999Z')).toBe('green');
    expect(rag('2025-04-03T08:30:00.000Z')).toBe('amber');
    expect(ragCheckpoints(DUE_BEFORE_BST, policy)).toEqual({ amberAt: '2025-04-03T08:00:00.001Z', redAt: '2025-04-24T08:00:00.001Z' });
  });
});

describe('ragCheckpoints', () => {
  it('are the first instants past amberAfter and redAfter', () => {
    expect(ragCheckpoints(CHECK_IN, DEFAULT_RAG)).toEqual({
      amberAt: '2024-08-22T10:30:00.001Z',
      redAt: '2024-09-12T10:30:00.001Z',
    });
  });

  it.each([
    ['default durations', DEFAULT_RAG],
    ['shrunk durations', { amberAfter: 'PT5S', redAfter: 'PT30S' }],
  ] as const)('agree with ragVerdict to the millisecond (%s)', (_name, policy) => {
    const { amberAt, redAt } = ragCheckpoints(RETURN_1, policy);
    const only = inputs({ schedule: [RETURN_1] });
    expect(ragVerdict(only, shift(amberAt, -MS), policy).rating).toBe('green');
    expect(ragVerdict(only, amberAt, policy).rating).toBe('amber');
    expect(ragVerdict(only, shift(redAt, -MS), policy).rating).toBe('amber');
    expect(ragVerdict(only, redAt, policy).rating).toBe('red');
  });
});
