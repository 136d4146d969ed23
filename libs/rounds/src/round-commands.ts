import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Duration } from 'luxon';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { APP_CONFIG, AppConfig, CommandContext, executeCommand } from '@pz/platform';
import { RoundCommand, roundDecider, roundStreamId } from './domain/round';
import { ZonesCatalogue } from './zones-catalogue';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A round command as the HTTP edge knows it; the handler adds the clock and configuration. */
export type RoundRequest = DistributiveOmit<RoundCommand, 'now' | 'alertLeadMs' | 'knownZones'>;

export class RunRoundCommand {
  constructor(readonly request: RoundRequest, readonly context: CommandContext) {}
}

@CommandHandler(RunRoundCommand)
export class RoundCommandHandler implements ICommandHandler<RunRoundCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly zones: ZonesCatalogue,
  ) {}

  async execute({ request, context }: RunRoundCommand): Promise<{ roundId: string; position: number }> {
    const command = {
      ...request,
      now: context.now,
      alertLeadMs: Duration.fromISO(this.config.roundAlertLead).toMillis(),
      knownZones: this.zones.ids(),
    } as RoundCommand;
    const outcome = await executeCommand(this.store, roundStreamId(request.roundId), roundDecider, command, context);
    return { roundId: request.roundId, position: outcome.position };
  }
}
