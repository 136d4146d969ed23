import { Decider, DomainEvent, InvalidCommand, NotFound, Problems } from '@pz/platform/domain';
import { isSealed, type SealedValue } from '@pz/people/sealed-value';

/**
 * One subscription per person (the stream is keyed by their pseudonymous id), so subscribing
 * again with the same address updates that subscription instead of adding a second one.
 */
export interface SubscribedToRoundAlertsData {
  subscriptionId: string;
  person: string;
  /** Sealed under the person's key; plaintext never enters the log. */
  email: SealedValue;
  /** Zone ids, sorted; empty means every zone. */
  zones: string[];
  at: string;
}

export interface SubscriptionZonesChangedData {
  subscriptionId: string;
  zones: string[];
  at: string;
}

export interface UnsubscribedFromRoundAlertsData {
  subscriptionId: string;
  at: string;
  via: 'link';
}

export type SubscriptionEvent =
  | DomainEvent<'SubscribedToRoundAlerts', SubscribedToRoundAlertsData>
  | DomainEvent<'SubscriptionZonesChanged', SubscriptionZonesChangedData>
  | DomainEvent<'UnsubscribedFromRoundAlerts', UnsubscribedFromRoundAlertsData>;

export interface SubscribeToRoundAlerts {
  type: 'SubscribeToRoundAlerts';
  subscriptionId: string;
  person: string;
  email: SealedValue;
  zones: readonly string[];
  /** Zones that exist now (zones are data). */
  knownZones: readonly string[];
  now: string;
}

export interface UnsubscribeFromRoundAlerts {
  type: 'UnsubscribeFromRoundAlerts';
  subscriptionId: string;
  via: 'link';
  now: string;
}

export type SubscriptionCommand = SubscribeToRoundAlerts | UnsubscribeFromRoundAlerts;

export interface SubscriptionState {
  status: 'none' | 'active' | 'unsubscribed';
  zones: string[];
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionState, SubscriptionEvent> = {
  initialState: () => ({ status: 'none', zones: [] }),

  decide(command, state) {
    switch (command.type) {
      case 'SubscribeToRoundAlerts':
        return subscribe(command, state);
      case 'UnsubscribeFromRoundAlerts':
        return unsubscribe(command, state);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SubscribedToRoundAlerts':
        return { status: 'active', zones: event.data.zones };
      case 'SubscriptionZonesChanged':
        return { ...state, zones: event.data.zones };
      case 'UnsubscribedFromRoundAlerts':
        return { ...state, status: 'unsubscribed' };
    }
  },
};

function subscribe(c: SubscribeToRoundAlerts, state: SubscriptionState): SubscriptionEvent[] {
  const zones = normaliseZones(c.zones);
  assertKnownZones(zones, c.knownZones);
  // A plaintext or someone else's sealed address here is a programming error upstream.
  if (!isSealed(c.email) || c.email.person !== c.person) {
    throw new InvalidCommand(['email must be sealed under the subscriber\'s own key']);
  }

  if (state.status === 'active') {
    if (sameZones(state.zones, zones)) return [];
    return [{ type: 'SubscriptionZonesChanged', data: { subscriptionId: c.subscriptionId, zones, at: c.now } }];
  }
  return [
    {
      type: 'SubscribedToRoundAlerts',
      data: { subscriptionId: c.subscriptionId, person: c.person, email: c.email, zones, at: c.now },
    },
  ];
}

function unsubscribe(c: UnsubscribeFromRoundAlerts, state: SubscriptionState): SubscriptionEvent[] {
  if (state.status === 'none') throw new NotFound(`Subscription ${c.subscriptionId} not found`);
  // Twice is fine: the second click on an old link must still tell the reader they are out.
  if (state.status === 'unsubscribed') return [];
  return [{ type: 'UnsubscribedFromRoundAlerts', data: { subscriptionId: c.subscriptionId, at: c.now, via: c.via } }];
}

/** Order and repeats carry no meaning, so they are dropped before comparing or recording. */
export function normaliseZones(zones: readonly string[]): string[] {
  return [...new Set(zones)].sort();
}

/**
 * Every unknown zone named at once. Exported so the edge can check before it creates a key for
 * an address that will not be recorded.
 */
export function assertKnownZones(zones: readonly string[], knownZones: readonly string[]): void {
  const problems = new Problems();
  for (const zone of normaliseZones(zones)) {
    problems.check(knownZones.includes(zone), `zones: unknown People Zone "${zone}"`);
  }
  problems.throwIfAny();
}

function sameZones(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((z, i) => z === b[i]);
}

export const subscriptionStreamId = (subscriptionId: string) => `subscription-${subscriptionId}`;

/** The subscription of a person is theirs alone: its id is their pseudonymous id. */
export const subscriptionIdFor = (person: string) => person;
