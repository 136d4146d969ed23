import type { RecordedEvent } from '@pz/event-store';
import type { SealedValue } from '@pz/people';
import type { DocumentStore, Projection } from '@pz/projections';
import {
  LEGACY_EPOCH,
  SubscribedToRoundAlertsData,
  SubscriptionConfirmedData,
  SubscriptionRequestedData,
  SubscriptionZonesChangedData,
  UnsubscribedFromRoundAlertsData,
} from './domain/subscription';

/**
 * One document per subscription. Addresses stay sealed exactly as in the events: they are
 * opened only when read, so an erasure takes effect here at once and a rebuild is identical.
 */
export interface SubscriptionView {
  id: string;
  person: string;
  /** The confirmed address (the pending request's until one is confirmed). */
  email: SealedValue;
  /** Empty: every zone. */
  zones: string[];
  status: 'pending' | 'active' | 'unsubscribed';
  /** Alerts go out only while this is true: confirmed, and not unsubscribed since. */
  active: boolean;
  /** The confirmed request this subscription runs under: its unsubscribe links name it. */
  epoch: string | null;
  /** A request waiting for its confirmation, if any. */
  pending: { requestId: string; zones: string[]; email: SealedValue; at: string } | null;
  subscribedAt: string | null;
  unsubscribedAt: string | null;
}

export const SUBSCRIPTIONS = 'subscriptions';

export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  // 2: double opt-in (pending requests, epochs).
  version: 2,
  collections: [SUBSCRIPTIONS],
  async apply(event: RecordedEvent, docs: DocumentStore) {
    switch (event.type) {
      case 'SubscribedToRoundAlerts': {
        const d = event.data as SubscribedToRoundAlertsData;
        // Before double opt-in: confirmed as it was made.
        docs.put<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, {
          id: d.subscriptionId,
          person: d.person,
          email: d.email,
          zones: d.zones,
          status: 'active',
          active: true,
          epoch: LEGACY_EPOCH,
          pending: null,
          subscribedAt: d.at,
          unsubscribedAt: null,
        });
        return;
      }
      case 'SubscriptionRequested': {
        const d = event.data as SubscriptionRequestedData;
        const pending = { requestId: d.requestId, zones: d.zones, email: d.email, at: d.at };
        const existing = await docs.get<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId);
        docs.put<SubscriptionView>(
          SUBSCRIPTIONS,
          d.subscriptionId,
          existing
            ? { ...existing, pending }
            : {
                id: d.subscriptionId,
                person: d.person,
                email: d.email,
                zones: d.zones,
                status: 'pending',
                active: false,
                epoch: null,
                pending,
                subscribedAt: null,
                unsubscribedAt: null,
              },
        );
        return;
      }
      case 'SubscriptionConfirmed': {
        const d = event.data as SubscriptionConfirmedData;
        await docs.update<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, (doc) =>
          doc.pending
            ? {
                ...doc,
                email: doc.pending.email,
                zones: doc.pending.zones,
                status: 'active',
                active: true,
                epoch: d.requestId,
                pending: null,
                subscribedAt: d.at,
                unsubscribedAt: null,
              }
            : doc,
        );
        return;
      }
      case 'SubscriptionZonesChanged': {
        const d = event.data as SubscriptionZonesChangedData;
        await docs.update<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, (doc) => ({ ...doc, zones: d.zones }));
        return;
      }
      case 'UnsubscribedFromRoundAlerts': {
        const d = event.data as UnsubscribedFromRoundAlertsData;
        await docs.update<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, (doc) => ({
          ...doc,
          status: 'unsubscribed',
          active: false,
          unsubscribedAt: d.at,
        }));
        return;
      }
    }
  },
};
