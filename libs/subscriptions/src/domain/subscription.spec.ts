import { Conflict, fold, InvalidCommand, NotFound } from '@pz/platform/domain';
import { expectDomainError } from '@pz/platform/domain/testing';
import type { SealedValue } from '@pz/people/sealed-value';
import {
  assertKnownZones,
  ConfirmSubscription,
  LEGACY_EPOCH,
  RequestSubscription,
  SubscriptionCommand,
  subscriptionDecider,
  SubscriptionEvent,
  Unsubscribe,
} from './subscription';

const PERSON = 'person-0123456789abcdef0123456789abcdef';
const KNOWN = ['bell-foundry', 'new-parks', 'thringstone-whitwick'];
const FIRST = 'request-1';
const SECOND = 'request-2';
const sealed = (person = PERSON): SealedValue => ({ $pii: 1, person, iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' });

function requestCmd(overrides: Partial<RequestSubscription> = {}): RequestSubscription {
  return {
    type: 'RequestSubscription',
    subscriptionId: PERSON,
    person: PERSON,
    email: sealed(),
    zones: [],
    requestId: FIRST,
    knownZones: KNOWN,
    now: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}
const confirmCmd = (requestId = FIRST): ConfirmSubscription => ({ type: 'ConfirmSubscription', subscriptionId: PERSON, requestId, now: '2026-03-01T11:00:00.000Z' });
const unsubscribeCmd = (epoch = FIRST): Unsubscribe => ({ type: 'Unsubscribe', subscriptionId: PERSON, epoch, now: '2026-04-01T10:00:00.000Z' });

/** given these events, when this command: the events decided. */
function given(events: SubscriptionEvent[], command: SubscriptionCommand) {
  return subscriptionDecider.decide(command, fold(subscriptionDecider, events));
}

const requested = (requestId = FIRST, zones: string[] = []): SubscriptionEvent => ({
  type: 'SubscriptionRequested',
  data: { subscriptionId: PERSON, person: PERSON, email: sealed(), zones, requestId, at: '2026-03-01T10:00:00.000Z' },
});
const confirmed = (requestId = FIRST): SubscriptionEvent => ({
  type: 'SubscriptionConfirmed',
  data: { subscriptionId: PERSON, requestId, at: '2026-03-01T11:00:00.000Z' },
});
const legacySubscribed = (zones: string[] = []): SubscriptionEvent => ({
  type: 'SubscribedToRoundAlerts',
  data: { subscriptionId: PERSON, person: PERSON, email: sealed(), zones, at: '2025-03-01T10:00:00.000Z' },
});
const unsubscribed: SubscriptionEvent = {
  type: 'UnsubscribedFromRoundAlerts',
  data: { subscriptionId: PERSON, at: '2026-03-02T10:00:00.000Z', via: 'link' },
};

describe('subscription decider: RequestSubscription', () => {
  it('given nothing, records a pending request with the sealed address and zones sorted without repeats', () => {
    expect(given([], requestCmd({ zones: ['new-parks', 'bell-foundry', 'new-parks'] }))).toEqual([requested(FIRST, ['bell-foundry', 'new-parks'])]);
  });

  it('given a request still waiting, records a new one (the latest email is the one that works)', () => {
    expect(given([requested()], requestCmd({ requestId: SECOND }))).toEqual([requested(SECOND)]);
  });

  it('given a confirmed subscription to the same zones, records nothing and sends nothing', () => {
    expect(given([requested(FIRST, ['new-parks']), confirmed()], requestCmd({ requestId: SECOND, zones: ['new-parks'] }))).toEqual([]);
    expect(given([legacySubscribed(['new-parks'])], requestCmd({ requestId: SECOND, zones: ['new-parks'] }))).toEqual([]);
  });

  it('given a confirmed subscription, other zones are a new request to confirm (nobody changes them by knowing the address)', () => {
    expect(given([requested(), confirmed()], requestCmd({ requestId: SECOND, zones: ['bell-foundry'] }))).toEqual([requested(SECOND, ['bell-foundry'])]);
  });

  it('given an ended subscription, records a new request', () => {
    expect(given([requested(), confirmed(), unsubscribed], requestCmd({ requestId: SECOND }))).toEqual([requested(SECOND)]);
  });

  it('refuses unknown zones, naming every one', () => {
    const error = expectDomainError(() => given([], requestCmd({ zones: ['atlantis', 'new-parks', 'el-dorado'] })), InvalidCommand, '');
    expect(error.problems).toEqual(['zones: unknown People Zone "atlantis"', 'zones: unknown People Zone "el-dorado"']);
  });

  it('refuses an address that is not sealed, or sealed under someone else', () => {
    expectDomainError(() => given([], requestCmd({ email: 'plain@example.org' as unknown as SealedValue })), InvalidCommand, /sealed/);
    expectDomainError(() => given([], requestCmd({ email: sealed('person-ffffffffffffffffffffffffffffffff') })), InvalidCommand, /own key/);
  });
});

describe('subscription decider: ConfirmSubscription', () => {
  it('given the request waiting, confirms it', () => {
    expect(given([requested()], confirmCmd())).toEqual([confirmed()]);
  });

  it('given it confirmed already, records nothing (a second click is fine)', () => {
    expect(given([requested(), confirmed()], confirmCmd())).toEqual([]);
  });

  it('refuses a request replaced by a newer one, and any other link', () => {
    expectDomainError(() => given([requested(), requested(SECOND)], confirmCmd(FIRST)), Conflict, /replaced by a newer one/);
    expectDomainError(() => given([requested(), confirmed(), requested(SECOND), confirmed(SECOND)], confirmCmd(FIRST)), Conflict, /latest email/);
    expectDomainError(() => given([], confirmCmd()), NotFound, /not found/);
  });

  it('confirms a new request made while subscribed, taking its zones', () => {
    const events = [requested(FIRST, []), confirmed(), requested(SECOND, ['new-parks'])];
    expect(given(events, confirmCmd(SECOND))).toEqual([confirmed(SECOND)]);
    expect(fold(subscriptionDecider, [...events, confirmed(SECOND)])).toEqual({ status: 'active', epoch: SECOND, zones: ['new-parks'], pending: null });
  });
});

describe('subscription decider: Unsubscribe', () => {
  it('given a confirmed subscription, ends it with a link of its epoch', () => {
    expect(given([requested(), confirmed()], unsubscribeCmd(FIRST))).toEqual([
      { type: 'UnsubscribedFromRoundAlerts', data: { subscriptionId: PERSON, at: '2026-04-01T10:00:00.000Z', via: 'link' } },
    ]);
  });

  it('ends a subscription made before double opt-in with a link sent before it', () => {
    expect(given([legacySubscribed()], unsubscribeCmd(LEGACY_EPOCH))).toHaveLength(1);
  });

  it("never ends a later subscription with an earlier subscription's link", () => {
    const resubscribed = [requested(), confirmed(), unsubscribed, requested(SECOND), confirmed(SECOND)];
    expect(given(resubscribed, unsubscribeCmd(FIRST))).toEqual([]);
    expect(given([legacySubscribed(), unsubscribed, requested(SECOND), confirmed(SECOND)], unsubscribeCmd(LEGACY_EPOCH))).toEqual([]);
    expect(given(resubscribed, unsubscribeCmd(SECOND))).toHaveLength(1);
  });

  it('given it ended already, or never confirmed, records nothing', () => {
    expect(given([requested(), confirmed(), unsubscribed], unsubscribeCmd(FIRST))).toEqual([]);
    expect(given([requested()], unsubscribeCmd(FIRST))).toEqual([]);
  });

  it('given no subscription, is not found', () => {
    expectDomainError(() => given([], unsubscribeCmd()), NotFound, /not found/);
  });
});

describe('assertKnownZones', () => {
  it('accepts known zones and an empty list, refuses the rest', () => {
    expect(() => assertKnownZones([], KNOWN)).not.toThrow();
    expect(() => assertKnownZones(['new-parks', 'bell-foundry'], KNOWN)).not.toThrow();
    expect(() => assertKnownZones(['nowhere'], KNOWN)).toThrow(InvalidCommand);
  });
});
