import { financialYearBounds, financialYearOf, roundStatusAt } from './calendar';

describe('financialYearBounds', () => {
  it('reads UK financial years and rejects malformed ones', () => {
    expect(financialYearBounds('2024-25')).toEqual({ start: Date.UTC(2024, 3, 1), end: Date.UTC(2025, 3, 1) });
    expect(financialYearBounds('1999-00')).toEqual({ start: Date.UTC(1999, 3, 1), end: Date.UTC(2000, 3, 1) });
    expect(financialYearBounds('2024-26')).toBeNull();
    expect(financialYearBounds('2024')).toBeNull();
  });
});

describe('financialYearOf', () => {
  it('names the year from 1 April to 31 March, in UTC, and agrees with financialYearBounds', () => {
    expect(financialYearOf(Date.UTC(2026, 10, 22))).toBe('2026-27');
    expect(financialYearOf(new Date('2027-03-31T23:59:59.999Z'))).toBe('2026-27');
    expect(financialYearOf(new Date('2027-04-01T00:00:00.000Z'))).toBe('2027-28');
    expect(financialYearOf(Date.UTC(1999, 5, 1))).toBe('1999-00');
    expect(financialYearBounds(financialYearOf(Date.UTC(2024, 3, 1)))!.start).toBe(Date.UTC(2024, 3, 1));
  });
});

describe('roundStatusAt', () => {
  const round = { opensAt: '2024-06-01T09:00:00.000Z', closesAt: '2024-06-29T17:00:00.000Z' };
  it('follows the clock exactly: open from opensAt, closed from closesAt', () => {
    expect(roundStatusAt(round, '2024-06-01T08:59:59.999Z')).toBe('scheduled');
    expect(roundStatusAt(round, '2024-06-01T09:00:00.000Z')).toBe('open');
    expect(roundStatusAt(round, '2024-06-29T16:59:59.999Z')).toBe('open');
    expect(roundStatusAt(round, '2024-06-29T17:00:00.000Z')).toBe('closed');
    expect(roundStatusAt({ ...round, cancelledAt: '2024-05-01T00:00:00Z' }, '2024-06-10T00:00:00Z')).toBe('cancelled');
  });
});
