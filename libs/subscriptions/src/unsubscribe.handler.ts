import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { CommandContext, executeCommand } from '@pz/platform';
import { subscriptionDecider, subscriptionStreamId } from './domain/subscription';

/** Sent only once the link's MAC has been verified: the id is then known to be ours. */
export class UnsubscribeFromRoundAlertsCommand extends Command<{ position: number }> {
  constructor(
    readonly subscriptionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(UnsubscribeFromRoundAlertsCommand)
export class UnsubscribeFromRoundAlertsHandler implements ICommandHandler<UnsubscribeFromRoundAlertsCommand, { position: number }> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ subscriptionId, context }: UnsubscribeFromRoundAlertsCommand): Promise<{ position: number }> {
    const outcome = await executeCommand(
      this.store,
      subscriptionStreamId(subscriptionId),
      subscriptionDecider,
      { type: 'UnsubscribeFromRoundAlerts', subscriptionId, via: 'link', now: context.now },
      context,
    );
    return { position: outcome.position };
  }
}
