import { Conflict, Decider, DomainEvent, eventTypesOf, InvalidCommand, NotFound, Problems, unreachable } from '@pz/platform/domain';
import { isSealed, type SealedValue } from '@pz/people/sealed-value';

/**
 * One subscription per person (the stream is keyed by their pseudonymous id). Double opt-in: a
 * request is recorded as pending, the person confirms from the email it sends, and only then do
 * alerts go out. Each confirmed subscription is an "epoch" (the request it confirmed), and the
 * unsubscribe links sent under it end that epoch only: an old link does not end a later one.
 */

/** Subscriptions confirmed before double opt-in existed count as confirmed, under this epoch. */
export const LEGACY_EPOCH = 'legacy';

/** Before double opt-in: a subscription made at once. Still read; no longer written. */
export interface SubscribedToRoundAlertsData {
  subscriptionId: string;
  person: string;
  /** Sealed under the person's key; plaintext never enters the log. */
  email: SealedValue;
  /** Zone ids, sorted; empty means every zone. */
  zones: string[];
  at: string;
}

export interface SubscriptionRequestedData {
  subscriptionId: string;
  person: string;
  email: SealedValue;
  zones: string[];
  /** Names this request: its confirmation link carries it, and confirming it starts an epoch. */
  requestId: string;
  at: string;
}

export interface SubscriptionConfirmedData {
  subscriptionId: string;
  requestId: string;
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
  | DomainEvent<'SubscriptionRequested', SubscriptionRequestedData>
  | DomainEvent<'SubscriptionConfirmed', SubscriptionConfirmedData>
  | DomainEvent<'SubscriptionZonesChanged', SubscriptionZonesChangedData>
  | DomainEvent<'UnsubscribedFromRoundAlerts', UnsubscribedFromRoundAlertsData>;

/** Anyone asks for alerts about some zones (or all) for an address, which must then confirm. */
export interface RequestSubscription {
  type: 'RequestSubscription';
  subscriptionId: string;
  person: string;
  email: SealedValue;
  zones: readonly string[];
  requestId: string;
  /** Zones that exist now (zones are data). */
  knownZones: readonly string[];
  now: string;
}

/** The person confirms from the link in the email a request sent. */
export interface ConfirmSubscription {
  type: 'ConfirmSubscription';
  subscriptionId: string;
  requestId: string;
  now: string;
}

/** The person unsubscribes from a link sent under one epoch of their subscription. */
export interface Unsubscribe {
  type: 'Unsubscribe';
  subscriptionId: string;
  epoch: string;
  now: string;
}

export type SubscriptionCommand = RequestSubscription | ConfirmSubscription | Unsubscribe;

interface Pending {
  requestId: string;
  zones: string[];
}

export type SubscriptionState =
  | { status: 'none' }
  | { status: 'pending'; pending: Pending; lastEpoch: string | null }
  | { status: 'active'; epoch: string; zones: string[]; pending: Pending | null }
  | { status: 'unsubscribed'; lastEpoch: string; pending: Pending | null };

/** What a confirmation link finds: why it cannot confirm, when it cannot. */
export type ConfirmRefusal = 'superseded' | 'unknown';

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionState, SubscriptionEvent> = {
  initialState: () => ({ status: 'none' }),
  eventTypes: eventTypesOf<SubscriptionEvent['type']>({
    SubscribedToRoundAlerts: true,
    SubscriptionRequested: true,
    SubscriptionConfirmed: true,
    SubscriptionZonesChanged: true,
    UnsubscribedFromRoundAlerts: true,
  }),

  decide(command, state) {
    switch (command.type) {
      case 'RequestSubscription':
        return request(command, state);
      case 'ConfirmSubscription':
        return confirm(command, state);
      case 'Unsubscribe':
        return unsubscribe(command, state);
      default:
        return unreachable(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SubscribedToRoundAlerts':
        return { status: 'active', epoch: LEGACY_EPOCH, zones: event.data.zones, pending: null };
      case 'SubscriptionRequested': {
        const pending = { requestId: event.data.requestId, zones: event.data.zones };
        if (state.status === 'active' || state.status === 'unsubscribed') return { ...state, pending };
        return { status: 'pending', pending, lastEpoch: state.status === 'pending' ? state.lastEpoch : null };
      }
      case 'SubscriptionConfirmed': {
        if (state.status === 'none' || !state.pending) return state;
        return { status: 'active', epoch: event.data.requestId, zones: state.pending.zones, pending: null };
      }
      case 'SubscriptionZonesChanged':
        return state.status === 'active' ? { ...state, zones: event.data.zones } : state;
      case 'UnsubscribedFromRoundAlerts':
        return state.status === 'active' ? { status: 'unsubscribed', lastEpoch: state.epoch, pending: state.pending } : state;
    }
  },
};

function request(c: RequestSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const zones = normaliseZones(c.zones);
  assertKnownZones(zones, c.knownZones);
  // A plaintext or someone else's sealed address here is a programming error upstream.
  if (!isSealed(c.email) || c.email.person !== c.person) {
    throw new InvalidCommand(["email must be sealed under the subscriber's own key"]);
  }
  // Already getting exactly these alerts: nothing to confirm, and no email to send.
  if (state.status === 'active' && sameZones(state.zones, zones)) return [];
  return [
    {
      type: 'SubscriptionRequested',
      data: { subscriptionId: c.subscriptionId, person: c.person, email: c.email, zones, requestId: c.requestId, at: c.now },
    },
  ];
}

function confirm(c: ConfirmSubscription, state: SubscriptionState): SubscriptionEvent[] {
  if (state.status === 'none') throw new NotFound(`Subscription ${c.subscriptionId} not found`);
  // Twice is fine: the second click must still tell the reader they are in.
  if (state.status === 'active' && state.epoch === c.requestId) return [];
  if (state.pending?.requestId === c.requestId) {
    return [{ type: 'SubscriptionConfirmed', data: { subscriptionId: c.subscriptionId, requestId: c.requestId, at: c.now } }];
  }
  throw new Conflict('This confirmation link has been replaced by a newer one, or has already been used: use the link in the latest email');
}

function unsubscribe(c: Unsubscribe, state: SubscriptionState): SubscriptionEvent[] {
  if (state.status === 'none') throw new NotFound(`Subscription ${c.subscriptionId} not found`);
  // An old link (an earlier epoch, or one already ended) changes nothing: a later subscription
  // the person chose again is not ended by a link from before it.
  if (state.status !== 'active' || state.epoch !== c.epoch) return [];
  return [{ type: 'UnsubscribedFromRoundAlerts', data: { subscriptionId: c.subscriptionId, at: c.now, via: 'link' } }];
}

/** Whether a link of this epoch would end the subscription as it stands. */
export function endsCurrentEpoch(state: SubscriptionState, epoch: string): boolean {
  return state.status === 'active' && state.epoch === epoch;
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
