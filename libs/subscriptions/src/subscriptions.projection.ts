import type { RecordedEvent } from '@pz/event-store';
import type { SealedValue } from '@pz/people';
import type { DocumentStore, Projection } from '@pz/projections';
import type {
  SubscribedToRoundAlertsData,
  SubscriptionZonesChangedData,
  UnsubscribedFromRoundAlertsData,
} from './domain/subscription';

/**
 * One document per subscription. The address stays sealed exactly as in the event: it is
 * opened only when read, so an erasure takes effect here at once and a rebuild is identical.
 */
export interface SubscriptionView {
  id: string;
  person: string;
  email: SealedValue;
  /** Empty: every zone. */
  zones: string[];
  active: boolean;
  subscribedAt: string;
  unsubscribedAt: string | null;
}

export const SUBSCRIPTIONS = 'subscriptions';

export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  version: 1,
  collections: [SUBSCRIPTIONS],
  async apply(event: RecordedEvent, docs: DocumentStore) {
    switch (event.type) {
      case 'SubscribedToRoundAlerts': {
        const d = event.data as SubscribedToRoundAlertsData;
        docs.put<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, {
          id: d.subscriptionId,
          person: d.person,
          email: d.email,
          zones: d.zones,
          active: true,
          subscribedAt: d.at,
          unsubscribedAt: null,
        });
        return;
      }
      case 'SubscriptionZonesChanged': {
        const d = event.data as SubscriptionZonesChangedData;
        await docs.update<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, (doc) => ({ ...doc, zones: d.zones }));
        return;
      }
      case 'UnsubscribedFromRoundAlerts': {
        const d = event.data as UnsubscribedFromRoundAlertsData;
        await docs.update<SubscriptionView>(SUBSCRIPTIONS, d.subscriptionId, (doc) => ({ ...doc, active: false, unsubscribedAt: d.at }));
        return;
      }
    }
  },
};
