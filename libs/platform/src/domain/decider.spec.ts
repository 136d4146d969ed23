import { Decider, DomainEvent, eventTypesOf, evolveKnown, fold, WrittenByNewerVersion } from './decider';

type Counted = DomainEvent<'Counted', { by: number }>;
const counter: Decider<unknown, number, Counted> = {
  initialState: () => 0,
  decide: () => [],
  evolve: (n, e) => n + e.data.by,
  eventTypes: eventTypesOf<Counted['type']>({ Counted: true }),
};

describe('folding a stream', () => {
  it('folds the events this build knows', () => {
    expect(fold(counter, [{ type: 'Counted', data: { by: 2 } }, { type: 'Counted', data: { by: 3 } }])).toBe(5);
  });

  it('refuses a type it does not know, naming it, rather than deciding on part of the history', () => {
    const events = [{ type: 'Counted', data: { by: 2 } }, { type: 'CountedTwice', data: { by: 3 } }];
    expect(() => fold(counter, events)).toThrow(WrittenByNewerVersion);
    expect(() => evolveKnown(counter, 0, events[1])).toThrow(/newer version of the service wrote this record \(CountedTwice\)/);
  });
});
