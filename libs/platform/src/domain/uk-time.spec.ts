import { endOfUkDay, minusDuration, plusDuration } from './uk-time';

describe('durations in UK time', () => {
  it('keeps the time on the wall across the change to summer time (last Sunday of March)', () => {
    // 9am GMT on 27 March 2025, plus a week: 9am BST on 3 April, an hour earlier in UTC.
    expect(plusDuration('2025-03-27T09:00:00.000Z', 'P7D')).toBe('2025-04-03T08:00:00.000Z');
    // 4 weeks before 9am BST on 20 April: 9am GMT on 23 March.
    expect(minusDuration('2025-04-20T08:00:00.000Z', 'P28D')).toBe('2025-03-23T09:00:00.000Z');
  });

  it('keeps the time on the wall across the change back (last Sunday of October)', () => {
    expect(plusDuration('2025-10-20T09:00:00.000Z', 'P14D')).toBe('2025-11-03T10:00:00.000Z');
  });

  it('adds calendar months, ending a month at its last day', () => {
    expect(plusDuration('2025-01-31T10:00:00.000Z', 'P1M')).toBe('2025-02-28T10:00:00.000Z');
    expect(plusDuration('2025-07-15T09:30:00.000Z', 'P3M')).toBe('2025-10-15T09:30:00.000Z');
  });

  it('adds exact durations exactly', () => {
    expect(plusDuration('2025-03-30T00:30:00.000Z', 'PT2S')).toBe('2025-03-30T00:30:02.000Z');
  });

  it('ends a day at the end of the day in the UK', () => {
    expect(endOfUkDay('2025-08-31')).toBe('2025-08-31T22:59:59.999Z');
    expect(endOfUkDay('2025-01-31')).toBe('2025-01-31T23:59:59.999Z');
  });
});
