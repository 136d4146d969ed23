import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandInput, UseCaseCommand } from '@pz/platform';
import type { DeclareConflict, EventData, ScoreApplication } from '../domain';
import { ApplicationChanged, ApplicationStreams } from './application-streams';

export class DeclareConflictCommand extends UseCaseCommand<CommandInput<DeclareConflict, 'round'>, ApplicationChanged> {}

@CommandHandler(DeclareConflictCommand)
export class DeclareConflictHandler implements ICommandHandler<DeclareConflictCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context }: DeclareConflictCommand): Promise<ApplicationChanged> {
    const round = await this.streams.roundOf(input.applicationId);
    return this.streams.execute({ type: 'DeclareConflict', ...input, round, now: context.now }, context);
  }
}

/** A score answers the member's weighted total, as the server computed it. */
export interface ApplicationScored extends ApplicationChanged {
  weightedTotal: number;
}

export class ScoreApplicationCommand extends UseCaseCommand<CommandInput<ScoreApplication, 'round'>, ApplicationScored> {}

@CommandHandler(ScoreApplicationCommand)
export class ScoreApplicationHandler implements ICommandHandler<ScoreApplicationCommand, ApplicationScored> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context }: ScoreApplicationCommand): Promise<ApplicationScored> {
    const round = await this.streams.roundOf(input.applicationId);
    const { applicationId, position, outcome } = await this.streams.execute({ type: 'ScoreApplication', ...input, round, now: context.now }, context);
    const scored = outcome.events.find((e) => e.type === 'ApplicationScored');
    // A retry under the same Idempotency-Key decides nothing new: the total is what the member holds.
    const weightedTotal = scored
      ? (scored.data as EventData<'ApplicationScored'>).weightedTotal
      : outcome.state.status !== 'none' && 'scores' in outcome.state
        ? (outcome.state.scores[input.member]?.weightedTotal ?? 0)
        : 0;
    return { applicationId, position, weightedTotal };
  }
}

export const ASSESSMENT_HANDLERS = [DeclareConflictHandler, ScoreApplicationHandler];
