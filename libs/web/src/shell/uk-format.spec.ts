import { pounds, ukDate, ukDateTime, ukTime } from './uk-format';

describe('how pages write dates and money', () => {
  it('writes instants in UK time: summer time and winter time', () => {
    expect(ukDateTime('2025-06-14T16:00:00.000Z')).toBe('5pm on 14 June 2025');
    expect(ukDateTime('2025-12-01T17:30:00.000Z')).toBe('5:30pm on 1 December 2025');
    // 23:30 UTC on 31 March is 00:30 on 1 April in UK summer time.
    expect(ukDate('2025-03-31T23:30:00.000Z')).toBe('1 April 2025');
  });

  it('says midday and midnight, and calendar dates stay the day they name', () => {
    expect(ukTime('2025-06-14T11:00:00.000Z')).toBe('midday');
    expect(ukTime('2025-01-14T00:00:00.000Z')).toBe('midnight');
    expect(ukDate('2025-08-31')).toBe('31 August 2025');
  });

  it('writes money in pounds with thousands separators, pence only when there are some', () => {
    expect(pounds(300_000)).toBe('£3,000');
    expect(pounds(12_000_000)).toBe('£120,000');
    expect(pounds(300_050)).toBe('£3,000.50');
    expect(pounds(5)).toBe('£0.05');
  });

  it('refuses what is not a date rather than printing "Invalid Date"', () => {
    expect(() => ukDate('soon')).toThrow('Not a date');
    expect(() => ukDate('2025-13-01')).toThrow('Not a date');
    expect(() => ukDateTime('2025-06-14Tnoon')).toThrow('Not a date');
  });

  it('writes the last minute of a day, and a morning time', () => {
    expect(ukDateTime('2025-08-31T22:59:59.999Z')).toBe('11:59pm on 31 August 2025');
    expect(ukTime('2025-01-14T09:05:00.000Z')).toBe('9:05am');
  });
});
