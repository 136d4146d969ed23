import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { CommandContext, entityIdFor, executeCommand, UseCaseCommand } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import {
  assertKnownZones,
  endsCurrentEpoch,
  normaliseZones,
  SubscriptionCommand,
  subscriptionDecider,
  subscriptionIdFor,
  subscriptionStreamId,
} from './domain/subscription';

/** The load-decide-append of a subscription's stream. */
@Injectable()
export class SubscriptionStreams {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(command: SubscriptionCommand, context: CommandContext) {
    return executeCommand(this.store, subscriptionStreamId(command.subscriptionId), subscriptionDecider, command, context);
  }
}

/** Anyone asks for round alerts for an address; nothing is sent but a confirmation until they confirm. */
export class RequestSubscriptionCommand extends UseCaseCommand<{ email: string; zones?: string[] }, { position: number }> {}

@CommandHandler(RequestSubscriptionCommand)
export class RequestSubscriptionHandler implements ICommandHandler<RequestSubscriptionCommand, { position: number }> {
  constructor(
    private readonly streams: SubscriptionStreams,
    private readonly vault: PersonalDataVault,
    private readonly zonesCatalogue: ZonesCatalogue,
  ) {}

  async execute({ input, context }: RequestSubscriptionCommand): Promise<{ position: number }> {
    const knownZones = this.zonesCatalogue.ids();
    const zones = normaliseZones(input.zones ?? []);
    // Before sealing, so a refused request leaves no key behind for an address never recorded.
    assertKnownZones(zones, knownZones);
    const person = await this.vault.personIdFor(input.email);
    const email = await this.vault.seal(person, input.email.trim());
    const outcome = await this.streams.execute(
      {
        type: 'RequestSubscription',
        subscriptionId: subscriptionIdFor(person),
        person,
        email,
        zones,
        requestId: entityIdFor(context, 'subscription-request'),
        knownZones,
        now: context.now,
      },
      context,
    );
    return { position: outcome.position };
  }
}

export class ConfirmSubscriptionCommand extends UseCaseCommand<{ subscriptionId: string; requestId: string }, { position: number }> {}

@CommandHandler(ConfirmSubscriptionCommand)
export class ConfirmSubscriptionHandler implements ICommandHandler<ConfirmSubscriptionCommand, { position: number }> {
  constructor(private readonly streams: SubscriptionStreams) {}

  async execute({ input, context }: ConfirmSubscriptionCommand): Promise<{ position: number }> {
    const outcome = await this.streams.execute({ type: 'ConfirmSubscription', ...input, now: context.now }, context);
    return { position: outcome.position };
  }
}

/** `ended`: the link's subscription is over (now or before); `later`: a later one, which the link does not touch, runs. */
export interface UnsubscribeOutcome {
  position: number;
  result: 'ended' | 'later';
}

export class UnsubscribeCommand extends UseCaseCommand<{ subscriptionId: string; epoch: string }, UnsubscribeOutcome> {}

@CommandHandler(UnsubscribeCommand)
export class UnsubscribeHandler implements ICommandHandler<UnsubscribeCommand, UnsubscribeOutcome> {
  constructor(private readonly streams: SubscriptionStreams) {}

  async execute({ input, context }: UnsubscribeCommand): Promise<UnsubscribeOutcome> {
    const outcome = await this.streams.execute({ type: 'Unsubscribe', ...input, now: context.now }, context);
    const state = outcome.state;
    const later = state.status === 'active' && !endsCurrentEpoch(state, input.epoch);
    return { position: outcome.position, result: later ? 'later' : 'ended' };
  }
}

export const SUBSCRIPTION_HANDLERS = [SubscriptionStreams, RequestSubscriptionHandler, ConfirmSubscriptionHandler, UnsubscribeHandler];
