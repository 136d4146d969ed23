import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyError, EVENT_STORE, EventStore } from '@pz/event-store';
import { APP_CONFIG, AppConfig, appliedBefore, CommandContext, executeCommand, FoldedStates, loadAggregate, toNewEvents } from '@pz/platform';
import { Conflict, NotFound } from '@pz/platform/domain';
import { roundDecider, roundStreamId } from '@pz/rounds/domain/round';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationState,
  applicationStreamId,
  RoundFacts,
} from './domain/application';
import { loadRoundFacts } from './round-facts';

/** An application command before the handler has looked up its round. */
export type ApplicationRequest = DistributiveOmit<
  ApplicationCommand,
  'round' | 'now' | 'applicationId' | 'monitoringPolicy' | 'ragPolicy'
> & {
  applicationId: string;
  /** Only for OpenDraft: the round applied to. */
  roundId?: string;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class RunApplicationCommand {
  constructor(
    readonly request: ApplicationRequest,
    readonly context: CommandContext,
    /** From If-Match: the revision the caller last saw; a stale one is a 409, never a retry. */
    readonly expectedRevision?: number,
  ) {}
}

export interface ApplicationCommandResult {
  applicationId: string;
  position: number;
  weightedTotal?: number;
}

@CommandHandler(RunApplicationCommand)
export class ApplicationCommandHandler implements ICommandHandler<RunApplicationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ request, context, expectedRevision }: RunApplicationCommand): Promise<ApplicationCommandResult> {
    const streamId = applicationStreamId(request.applicationId);
    const roundId = request.type === 'OpenDraft' ? request.roundId! : await this.roundOf(streamId);
    const round = await loadRoundFacts(this.store, roundId);
    // Policy comes from configuration at the moment of the decision, and is recorded with it.
    const command = {
      ...request,
      round,
      now: context.now,
      monitoringPolicy: { firstCheckinAfter: this.config.firstCheckinAfter, monitoringInterval: this.config.monitoringInterval },
      ragPolicy: { amberAfter: this.config.ragAmberAfter, redAfter: this.config.ragRedAfter },
    } as unknown as ApplicationCommand;
    if (command.type === 'AwardGrant') return this.award(command, round, context);

    const outcome = await executeCommand(this.store, streamId, applicationDecider, command, context, { expectedRevision });
    if (command.type === 'DeclineApplication') {
      // An award interrupted by a crash may have left a reservation behind: a decline frees it.
      await executeCommand(
        this.store,
        roundStreamId(round.roundId),
        roundDecider,
        { type: 'ReleaseRoundFunds', roundId: round.roundId, applicationId: command.applicationId, reason: 'application declined', now: context.now },
        context,
        { retries: 50 },
      );
    }
    const scored = outcome.events.find((e) => e.type === 'ApplicationScored');
    return {
      applicationId: request.applicationId,
      position: outcome.position,
      ...(scored ? { weightedTotal: (scored.data as { weightedTotal: number }).weightedTotal } : {}),
    };
  }

  /**
   * The round is fixed by the stream's first event (the draft) and never changes, so a fold
   * already held says it without a read; otherwise the whole aggregate is loaded, and that fold
   * is kept (FoldedStates) for the command that follows.
   */
  private async roundOf(streamId: string): Promise<string> {
    const held = FoldedStates.of(this.store).peek<ApplicationState>(streamId, applicationDecider);
    const state = held?.state ?? (await loadAggregate(this.store, streamId, applicationDecider)).state;
    if (!state.roundId) throw new NotFound(`Application ${streamId.replace('application-', '')} not found`);
    return state.roundId;
  }

  /**
   * An award touches two streams: the round guards the budget, the application records the
   * decision. Funds are reserved on the round first (serialised by its expected revision, so
   * concurrent awards can never overspend), then the award is appended at the application
   * revision the decision was made on. If the application changed meanwhile, the reservation
   * is released again unless the change was this very award.
   */
  private async award(
    command: Extract<ApplicationCommand, { type: 'AwardGrant' }>,
    round: RoundFacts,
    context: CommandContext,
  ): Promise<ApplicationCommandResult> {
    const streamId = applicationStreamId(command.applicationId);
    const history = await this.store.readStream(streamId);
    const earlier = appliedBefore(history, context);
    if (earlier) return { applicationId: command.applicationId, position: earlier.position };
    const loaded = await loadAggregate(this.store, streamId, applicationDecider);
    const decided = applicationDecider.decide(command, loaded.state);

    await executeCommand(
      this.store,
      roundStreamId(round.roundId),
      roundDecider,
      { type: 'CommitRoundFunds', roundId: round.roundId, applicationId: command.applicationId, amountPence: command.amountPence, now: context.now },
      { ...context, idempotencyKey: context.idempotencyKey && `${context.idempotencyKey}:funds` },
      { retries: 50 },
    );

    try {
      const result = await this.store.append(streamId, toNewEvents(decided, context), loaded.revision);
      return { applicationId: command.applicationId, position: result.position };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const now = await loadAggregate(this.store, streamId, applicationDecider);
      if (now.state.status !== 'awarded') {
        await executeCommand(
          this.store,
          roundStreamId(round.roundId),
          roundDecider,
          { type: 'ReleaseRoundFunds', roundId: round.roundId, applicationId: command.applicationId, reason: 'award not recorded: the application changed', now: context.now },
          context,
          { retries: 50 },
        );
      }
      throw new Conflict(
        now.state.status === 'awarded'
          ? 'This application has already been decided (awarded)'
          : 'The application changed while the award was being made; reload and try again',
      );
    }
  }
}

/** Sends an application command and returns what the handler reports. */
export function runApplicationCommand(
  bus: CommandBus,
  request: ApplicationRequest,
  context: CommandContext,
  expectedRevision?: number,
): Promise<ApplicationCommandResult> {
  return bus.execute(new RunApplicationCommand(request, context, expectedRevision));
}
