import { instantOf, momentOf, penceOf, poundsField, timeOfDay } from './uk-form-fields';

describe('what staff type on forms, read in UK time', () => {
  it.each([
    ['9am', [9, 0]],
    ['9 am', [9, 0]],
    ['5:30pm', [17, 30]],
    ['12pm', [12, 0]],
    ['12am', [0, 0]],
    ['17:30', [17, 30]],
    ['09.15', [9, 15]],
    ['midday', [12, 0]],
    ['midnight', [0, 0]],
  ] as const)('reads %p as a time of day', (typed, expected) => {
    expect(timeOfDay(typed)).toEqual(expected);
  });

  it.each(['13pm', '0am', '24:00', '9:60', 'teatime', ''])('refuses %p', (typed) => {
    expect(timeOfDay(typed)).toBeNull();
  });

  it('is UK time whatever the season: GMT in winter, BST in summer', () => {
    expect(instantOf({ day: '14', month: '1', year: '2027', time: '5pm' }, 'the date')).toEqual({ iso: '2027-01-14T17:00:00Z' });
    expect(instantOf({ day: '14', month: '6', year: '2027', time: '5pm' }, 'the date')).toEqual({ iso: '2027-06-14T16:00:00Z' });
    expect(momentOf('2027-06-14T16:00:00Z')).toEqual({ day: '14', month: '6', year: '2027', time: '17:00' });
  });

  it('names what is wrong with a date, and which part', () => {
    expect(instantOf({ day: '', month: '', year: '', time: '9am' }, 'the opening date')).toEqual({ problem: 'Enter the opening date', part: 'day' });
    expect(instantOf({ day: '31', month: '2', year: '2027', time: '9am' }, 'the opening date')).toEqual({ problem: 'The opening date must be a real date, like 27 3 2026', part: 'day' });
    expect(instantOf({ day: '1', month: '2', year: '2027', time: '' }, 'the opening date')).toEqual({ problem: 'Enter the time of the opening date, like 9am or 17:30', part: 'time' });
  });

  it('reads pounds as whole pence, and writes them back', () => {
    expect(penceOf('£3,000')).toBe(300_000);
    expect(penceOf('2500.5')).toBe(250_050);
    expect(penceOf('12.345')).toBeNull();
    expect(penceOf('three')).toBeNull();
    expect(poundsField(300_000)).toBe('3000');
    expect(poundsField(250_050)).toBe('2500.50');
  });
});
