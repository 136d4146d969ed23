import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { APP_CONFIG, AppConfig, CommandContext, CommandInput, executeCommand, UseCaseCommand } from '@pz/platform';
import { CancelRound, RescheduleRound, RoundCommand, roundDecider, roundStreamId, ScheduleRound, SetRoundPanel } from './domain';
import { ZonesCatalogue } from './zones-catalogue';

/** What a round command reports: where to wait for the read models (read-your-writes). */
export interface RoundChanged {
  roundId: string;
  position: number;
}

/** The load-decide-append of a round's stream, with the configuration its rules need. */
@Injectable()
export class RoundStreams {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    readonly zones: ZonesCatalogue,
  ) {}

  /** ROUND_ALERT_LEAD, read at the moment of the decision. */
  get alertLead(): string {
    return this.config.roundAlertLead;
  }

  /** With `expectedRevision` (a page's form), a change made since the form was loaded is a 409, not retried over. */
  async execute(command: RoundCommand, context: CommandContext, expectedRevision?: number): Promise<RoundChanged> {
    const outcome = await executeCommand(this.store, roundStreamId(command.roundId), roundDecider, command, context, { expectedRevision });
    return { roundId: command.roundId, position: outcome.position };
  }
}

export class ScheduleRoundCommand extends UseCaseCommand<CommandInput<ScheduleRound, 'knownZones' | 'alertLead'>, RoundChanged> {}

@CommandHandler(ScheduleRoundCommand)
export class ScheduleRoundHandler implements ICommandHandler<ScheduleRoundCommand, RoundChanged> {
  constructor(private readonly rounds: RoundStreams) {}

  execute({ input, context }: ScheduleRoundCommand): Promise<RoundChanged> {
    const { rounds } = this;
    return rounds.execute(
      { type: 'ScheduleRound', ...input, knownZones: rounds.zones.ids(), alertLead: rounds.alertLead, now: context.now },
      context,
    );
  }
}

export class RescheduleRoundCommand extends UseCaseCommand<CommandInput<RescheduleRound, 'alertLead'>, RoundChanged> {}

@CommandHandler(RescheduleRoundCommand)
export class RescheduleRoundHandler implements ICommandHandler<RescheduleRoundCommand, RoundChanged> {
  constructor(private readonly rounds: RoundStreams) {}

  execute({ input, context, expectedRevision }: RescheduleRoundCommand): Promise<RoundChanged> {
    return this.rounds.execute({ type: 'RescheduleRound', ...input, alertLead: this.rounds.alertLead, now: context.now }, context, expectedRevision);
  }
}

export class CancelRoundCommand extends UseCaseCommand<CommandInput<CancelRound>, RoundChanged> {}

@CommandHandler(CancelRoundCommand)
export class CancelRoundHandler implements ICommandHandler<CancelRoundCommand, RoundChanged> {
  constructor(private readonly rounds: RoundStreams) {}

  execute({ input, context, expectedRevision }: CancelRoundCommand): Promise<RoundChanged> {
    return this.rounds.execute({ type: 'CancelRound', ...input, now: context.now }, context, expectedRevision);
  }
}

export class SetRoundPanelCommand extends UseCaseCommand<CommandInput<SetRoundPanel>, RoundChanged> {}

@CommandHandler(SetRoundPanelCommand)
export class SetRoundPanelHandler implements ICommandHandler<SetRoundPanelCommand, RoundChanged> {
  constructor(private readonly rounds: RoundStreams) {}

  execute({ input, context, expectedRevision }: SetRoundPanelCommand): Promise<RoundChanged> {
    return this.rounds.execute({ type: 'SetRoundPanel', ...input, now: context.now }, context, expectedRevision);
  }
}

export const ROUND_HANDLERS = [RoundStreams, ScheduleRoundHandler, RescheduleRoundHandler, CancelRoundHandler, SetRoundPanelHandler];
