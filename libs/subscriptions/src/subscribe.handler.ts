import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault, PersonErasedError, SealedValue } from '@pz/people';
import { CommandContext, executeCommand } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import {
  assertKnownZones,
  normaliseZones,
  subscriptionDecider,
  subscriptionIdFor,
  subscriptionStreamId,
} from './domain/subscription';

export class SubscribeToRoundAlertsCommand extends Command<SubscribeOutcome> {
  constructor(
    readonly input: { email: string; zones?: string[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export interface SubscribeOutcome {
  subscriptionId: string;
  zones: string[];
  /** Position to wait for; null when nothing was (or could be) recorded. */
  position: number | null;
}

@CommandHandler(SubscribeToRoundAlertsCommand)
export class SubscribeToRoundAlertsHandler implements ICommandHandler<SubscribeToRoundAlertsCommand, SubscribeOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    private readonly zonesCatalogue: ZonesCatalogue,
  ) {}

  async execute({ input, context }: SubscribeToRoundAlertsCommand): Promise<SubscribeOutcome> {
    const knownZones = this.zonesCatalogue.ids();
    const zones = normaliseZones(input.zones ?? []);
    // Before sealing, so a refused request leaves no key behind for an address never recorded.
    assertKnownZones(zones, knownZones);

    const person = this.vault.personIdFor(input.email);
    const subscriptionId = subscriptionIdFor(person);
    let email: SealedValue;
    try {
      email = await this.vault.seal(person, input.email.trim());
    } catch (error) {
      // Erasure is final for a pseudonym. The caller gets the usual answer, so the response
      // cannot be used to learn that this address was once known and erased.
      if (error instanceof PersonErasedError) return { subscriptionId, zones, position: null };
      throw error;
    }

    const outcome = await executeCommand(
      this.store,
      subscriptionStreamId(subscriptionId),
      subscriptionDecider,
      { type: 'SubscribeToRoundAlerts', subscriptionId, person, email, zones, knownZones, now: context.now },
      context,
    );
    return { subscriptionId, zones, position: outcome.position };
  }
}
