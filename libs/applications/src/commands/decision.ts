import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyError } from '@pz/event-store';
import { appliedBefore, CommandContext, CommandInput, executeCommand, loadAggregate, toNewEvents, UseCaseCommand } from '@pz/platform';
import { Conflict } from '@pz/platform/domain';
import { CommitRoundFunds, ReleaseRoundFunds, roundDecider, roundStreamId } from '@pz/rounds/domain';
import { AcceptOffer, AwardGrant, applicationDecider, applicationStreamId, DeclineApplication, RoundFacts } from '../domain';
import { ApplicationChanged, ApplicationStreams } from './application-streams';

export class AwardGrantCommand extends UseCaseCommand<CommandInput<AwardGrant, 'round' | 'monitoringPolicy'>, ApplicationChanged> {}

/**
 * An award touches two streams: the round guards the budget, the application records the
 * decision. Funds are reserved on the round first (serialised by its expected revision, so
 * concurrent awards can never overspend), then the award is appended at the application
 * revision the decision was made on. If the application changed meanwhile, the reservation
 * is released again unless the change was this very award.
 */
@CommandHandler(AwardGrantCommand)
export class AwardGrantHandler implements ICommandHandler<AwardGrantCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context }: AwardGrantCommand): Promise<ApplicationChanged> {
    const { store } = this.streams;
    const { applicationId } = input;
    const round = await this.streams.roundOf(applicationId);
    const command: AwardGrant = { type: 'AwardGrant', ...input, round, monitoringPolicy: this.streams.monitoringPolicy, now: context.now };
    const streamId = applicationStreamId(applicationId);
    // A retry of an award whose events were stored before a crash answers what it did then.
    const earlier = context.idempotencyKey ? appliedBefore(await store.readStream(streamId), context) : undefined;
    if (earlier) {
      context.written?.();
      return { applicationId, position: earlier.position };
    }
    const loaded = await loadAggregate(store, streamId, applicationDecider);
    const decided = applicationDecider.decide(command, loaded.state);

    const commit = { type: 'CommitRoundFunds', applicationId, amountPence: command.amountPence } as const;
    await reserveOrRelease(this.streams, round, context, commit, `${context.idempotencyKey}:funds`);
    try {
      const result = await store.append(streamId, toNewEvents(decided, context), loaded.revision);
      context.written?.();
      return { applicationId, position: result.position };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const now = await loadAggregate(store, streamId, applicationDecider);
      if (now.state.status !== 'awarded') {
        const release = { type: 'ReleaseRoundFunds', applicationId, reason: 'award not recorded: the application changed' } as const;
        await reserveOrRelease(this.streams, round, context, release, `${context.idempotencyKey}:release`);
      }
      throw new Conflict(
        now.state.status === 'awarded'
          ? 'This application has already been decided (awarded)'
          : 'The application changed while the award was being made; reload and try again',
      );
    }
  }
}

export class DeclineApplicationCommand extends UseCaseCommand<CommandInput<DeclineApplication, 'round'>, ApplicationChanged> {}

@CommandHandler(DeclineApplicationCommand)
export class DeclineApplicationHandler implements ICommandHandler<DeclineApplicationCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context }: DeclineApplicationCommand): Promise<ApplicationChanged> {
    const round = await this.streams.roundOf(input.applicationId);
    const declined = await this.streams.execute({ type: 'DeclineApplication', ...input, round, now: context.now }, context);
    // An award interrupted by a crash may have left a reservation behind: a decline frees it.
    const release = { type: 'ReleaseRoundFunds', applicationId: input.applicationId, reason: 'application declined' } as const;
    await reserveOrRelease(this.streams, round, context, release, `${context.idempotencyKey}:release`);
    return { applicationId: declined.applicationId, position: declined.position };
  }
}

export class AcceptOfferCommand extends UseCaseCommand<CommandInput<AcceptOffer>, ApplicationChanged> {}

@CommandHandler(AcceptOfferCommand)
export class AcceptOfferHandler implements ICommandHandler<AcceptOfferCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: AcceptOfferCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'AcceptOffer', ...input, now: context.now }, context);
  }
}

/**
 * A change to the round's commitments, retried against the round's latest state: the round's
 * stream is hot while a panel's decisions are made, and only a real over-budget is an answer.
 */
async function reserveOrRelease(
  streams: ApplicationStreams,
  round: RoundFacts,
  context: CommandContext,
  change: Omit<CommitRoundFunds, 'roundId' | 'now'> | Omit<ReleaseRoundFunds, 'roundId' | 'now'>,
  /** The Idempotency-Key's own variant for this change, so its event ids differ from the award's. */
  idempotencyKey?: string,
): Promise<void> {
  await executeCommand(
    streams.store,
    roundStreamId(round.roundId),
    roundDecider,
    { ...change, roundId: round.roundId, now: context.now },
    idempotencyKey === undefined || context.idempotencyKey === undefined ? context : { ...context, idempotencyKey },
    { retries: 50 },
  );
}

export const DECISION_HANDLERS = [AwardGrantHandler, DeclineApplicationHandler, AcceptOfferHandler];
