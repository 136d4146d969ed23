import { fold, InvalidCommand, NotFound } from '@pz/platform/domain';
import type { SealedValue } from '@pz/people/sealed-value';
import {
  assertKnownZones,
  SubscribeToRoundAlerts,
  subscriptionDecider,
  SubscriptionEvent,
  UnsubscribeFromRoundAlerts,
} from './subscription';

const PERSON = 'person-0123456789abcdef0123456789abcdef';
const KNOWN = ['bell-foundry', 'new-parks', 'thringstone-whitwick'];
const sealed = (person = PERSON): SealedValue => ({ $pii: 1, person, iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' });

function subscribe(overrides: Partial<SubscribeToRoundAlerts> = {}): SubscribeToRoundAlerts {
  return {
    type: 'SubscribeToRoundAlerts',
    subscriptionId: PERSON,
    person: PERSON,
    email: sealed(),
    zones: [],
    knownZones: KNOWN,
    now: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

const unsubscribe = (now = '2026-04-01T10:00:00.000Z'): UnsubscribeFromRoundAlerts => ({
  type: 'UnsubscribeFromRoundAlerts',
  subscriptionId: PERSON,
  via: 'link',
  now,
});

/** given these events, when this command: the events decided. */
function given(events: SubscriptionEvent[], command: SubscribeToRoundAlerts | UnsubscribeFromRoundAlerts) {
  return subscriptionDecider.decide(command, fold(subscriptionDecider, events));
}

const subscribed = (zones: string[] = []): SubscriptionEvent => ({
  type: 'SubscribedToRoundAlerts',
  data: { subscriptionId: PERSON, person: PERSON, email: sealed(), zones, at: '2026-03-01T10:00:00.000Z' },
});
const unsubscribed: SubscriptionEvent = {
  type: 'UnsubscribedFromRoundAlerts',
  data: { subscriptionId: PERSON, at: '2026-03-02T10:00:00.000Z', via: 'link' },
};

describe('subscription decider: SubscribeToRoundAlerts', () => {
  it('given no subscription, subscribes with the sealed address and zones sorted without repeats', () => {
    const events = given([], subscribe({ zones: ['new-parks', 'bell-foundry', 'new-parks'] }));
    expect(events).toEqual([
      {
        type: 'SubscribedToRoundAlerts',
        data: {
          subscriptionId: PERSON,
          person: PERSON,
          email: sealed(),
          zones: ['bell-foundry', 'new-parks'],
          at: '2026-03-01T10:00:00.000Z',
        },
      },
    ]);
  });

  it('given no zones, subscribes to every zone (empty list)', () => {
    const [event] = given([], subscribe({ zones: [] }));
    expect(event.type).toBe('SubscribedToRoundAlerts');
    expect((event.data as { zones: string[] }).zones).toEqual([]);
  });

  it('given an active subscription with the same zones in any order, records nothing', () => {
    expect(given([subscribed(['bell-foundry', 'new-parks'])], subscribe({ zones: ['new-parks', 'bell-foundry'] }))).toEqual([]);
    expect(given([subscribed([])], subscribe({ zones: [] }))).toEqual([]);
  });

  it('given an active subscription with other zones, changes its zones', () => {
    expect(given([subscribed(['bell-foundry'])], subscribe({ zones: ['new-parks'], now: '2026-03-05T00:00:00.000Z' }))).toEqual([
      {
        type: 'SubscriptionZonesChanged',
        data: { subscriptionId: PERSON, zones: ['new-parks'], at: '2026-03-05T00:00:00.000Z' },
      },
    ]);
    const [toAll] = given([subscribed(['bell-foundry'])], subscribe({ zones: [] }));
    expect(toAll).toMatchObject({ type: 'SubscriptionZonesChanged', data: { zones: [] } });
  });

  it('given zone changes, compares with the latest zones', () => {
    const changed: SubscriptionEvent = {
      type: 'SubscriptionZonesChanged',
      data: { subscriptionId: PERSON, zones: ['new-parks'], at: '2026-03-05T00:00:00.000Z' },
    };
    expect(given([subscribed(['bell-foundry']), changed], subscribe({ zones: ['new-parks'] }))).toEqual([]);
  });

  it('given an unsubscribed subscription, subscribes again with the new address and zones', () => {
    const fresh = sealed();
    fresh.iv = 'bmV3';
    const events = given([subscribed(['bell-foundry']), unsubscribed], subscribe({ email: fresh, zones: ['bell-foundry'] }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'SubscribedToRoundAlerts', data: { email: fresh, zones: ['bell-foundry'] } });
  });

  it('refuses unknown zones, naming every one', () => {
    try {
      given([], subscribe({ zones: ['atlantis', 'bell-foundry', 'narnia'] }));
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidCommand);
      const text = (error as InvalidCommand).problems.join('\n');
      expect(text).toContain('unknown People Zone "atlantis"');
      expect(text).toContain('unknown People Zone "narnia"');
      expect(text).not.toContain('bell-foundry');
    }
  });

  it('refuses unknown zones even for an active subscription', () => {
    expect(() => given([subscribed()], subscribe({ zones: ['atlantis'] }))).toThrow(InvalidCommand);
  });

  it('refuses an address that is not sealed, or sealed under someone else', () => {
    const plain = 'resident@example.org' as unknown as SealedValue;
    expect(() => given([], subscribe({ email: plain }))).toThrow(/sealed/);
    expect(() => given([], subscribe({ email: sealed('person-ffffffffffffffffffffffffffffffff') }))).toThrow(/sealed/);
  });
});

describe('subscription decider: UnsubscribeFromRoundAlerts', () => {
  it('given an active subscription, unsubscribes via the link', () => {
    expect(given([subscribed()], unsubscribe())).toEqual([
      { type: 'UnsubscribedFromRoundAlerts', data: { subscriptionId: PERSON, at: '2026-04-01T10:00:00.000Z', via: 'link' } },
    ]);
  });

  it('given an unsubscribed subscription, records nothing (unsubscribing twice is fine)', () => {
    expect(given([subscribed(), unsubscribed], unsubscribe())).toEqual([]);
  });

  it('given no subscription, is not found', () => {
    expect(() => given([], unsubscribe())).toThrow(NotFound);
  });

  it('given a subscription renewed after unsubscribing, unsubscribes it again', () => {
    const [event] = given([subscribed(), unsubscribed, subscribed()], unsubscribe());
    expect(event.type).toBe('UnsubscribedFromRoundAlerts');
  });
});

describe('assertKnownZones', () => {
  it('accepts known zones and an empty list, refuses the rest', () => {
    expect(() => assertKnownZones([], KNOWN)).not.toThrow();
    expect(() => assertKnownZones(['new-parks'], KNOWN)).not.toThrow();
    expect(() => assertKnownZones(['nope'], KNOWN)).toThrow(/unknown People Zone "nope"/);
  });
});
