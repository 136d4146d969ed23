import { Injectable, Logger } from '@nestjs/common';
import { PersonalDataVault, SealedValue, SealedValueCorruptError } from '@pz/people';
import { ReadModels } from '@pz/platform';
import { SubscriptionLinks } from './subscription-links';
import { SUBSCRIPTIONS, SubscriptionView } from './subscriptions.projection';

/** Everything an alert needs for one recipient. */
export interface ActiveSubscriber {
  subscriptionId: string;
  person: string;
  /** Plaintext, opened just now; never store or log it. */
  email: string;
  /** Empty: every zone. */
  zones: string[];
  unsubscribeUrl: string;
}

@Injectable()
export class SubscriptionsQueries {
  private readonly logger = new Logger('Subscriptions');

  constructor(
    private readonly readModels: ReadModels,
    private readonly vault: PersonalDataVault,
    private readonly links: SubscriptionLinks,
  ) {}

  /**
   * Confirmed subscribers who asked for all zones or for at least one of `zoneIds` (a round's
   * zones), with their address opened. Erased people are left out: their key is gone.
   */
  async activeFor(zoneIds: readonly string[]): Promise<ActiveSubscriber[]> {
    const wanted = new Set(zoneIds);
    const result: ActiveSubscriber[] = [];
    for (const s of await this.readModels.documents.list<SubscriptionView>(SUBSCRIPTIONS)) {
      if (!s.active || s.epoch === null) continue;
      if (s.zones.length > 0 && !s.zones.some((z) => wanted.has(z))) continue;
      const email = await this.openEmail(s.id, s.email);
      if (email === null) continue;
      result.push({
        subscriptionId: s.id,
        person: s.person,
        email,
        zones: s.zones,
        unsubscribeUrl: this.links.unsubscribeUrl(s.id, s.epoch),
      });
    }
    return result;
  }

  get(subscriptionId: string): Promise<SubscriptionView | undefined> {
    return this.readModels.documents.get<SubscriptionView>(SUBSCRIPTIONS, subscriptionId);
  }

  /** A request's address, opened, while it still waits for confirmation; null otherwise. */
  async pendingAddress(subscriptionId: string, requestId: string): Promise<string | null> {
    const s = await this.get(subscriptionId);
    if (!s?.pending || s.pending.requestId !== requestId) return null;
    return this.openEmail(s.id, s.pending.email);
  }

  private async openEmail(subscriptionId: string, sealed: SealedValue): Promise<string | null> {
    try {
      return await this.vault.open(sealed);
    } catch (error) {
      // One damaged record must not stop an alert run to everyone else; the id is pseudonymous.
      if (error instanceof SealedValueCorruptError) {
        this.logger.warn(`Subscription ${subscriptionId}: sealed address does not authenticate; skipped`);
        return null;
      }
      throw error;
    }
  }
}
