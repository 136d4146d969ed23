import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { APP_CONFIG, AppConfig, CommandContext, CommandOutcome, executeCommand, FoldedStates, loadAggregate } from '@pz/platform';
import { NotFound } from '@pz/platform/domain';
import { roundDecider, roundStreamId } from '@pz/rounds/domain';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationEvent,
  ApplicationState,
  applicationStreamId,
  MonitoringPolicy,
  RagPolicy,
  RoundFacts,
} from '../domain';

/** What a command on an application reports: where to wait for the read models (read-your-writes). */
export interface ApplicationChanged {
  applicationId: string;
  position: number;
}

/**
 * What every application use case's handler needs: the round as its own stream says now, the
 * policies of the moment, and the load-decide-append of an application's stream.
 */
@Injectable()
export class ApplicationStreams {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Policy comes from configuration at the moment of the decision, and is recorded with it. */
  get monitoringPolicy(): MonitoringPolicy {
    return { firstCheckinAfter: this.config.firstCheckinAfter, monitoringInterval: this.config.monitoringInterval };
  }

  get ragPolicy(): RagPolicy {
    return { amberAfter: this.config.ragAmberAfter, redAfter: this.config.ragRedAfter };
  }

  /** The round as its own stream says now: decisions never rely on a read model that may lag. */
  async round(roundId: string): Promise<RoundFacts> {
    const { state } = await loadAggregate(this.store, roundStreamId(roundId), roundDecider);
    if (state.status === 'none') throw new NotFound(`Round ${roundId} not found`);
    const r = state.round;
    return {
      roundId: r.roundId,
      kind: r.kind,
      zones: r.zones,
      themes: r.themes,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      cancelledAt: state.status === 'cancelled' ? state.cancelledAt : null,
      budgetPence: r.budgetPence,
      maxAwardPence: r.maxAwardPence,
      criteria: r.criteria,
      panel: state.panel,
    };
  }

  /**
   * The round an application was opened in. It is fixed by the stream's first event and never
   * changes, so a fold already held says it without a read; otherwise the whole aggregate is
   * loaded, and that fold is kept (FoldedStates) for the command that follows.
   */
  async roundOf(applicationId: string): Promise<RoundFacts> {
    const streamId = applicationStreamId(applicationId);
    const held = FoldedStates.of(this.store).peek<ApplicationState>(streamId, applicationDecider);
    const state = held?.state ?? (await loadAggregate(this.store, streamId, applicationDecider)).state;
    if (state.status === 'none') throw new NotFound(`Application ${applicationId} not found`);
    return this.round(state.roundId);
  }

  /** Load, decide, append on the application's stream; `expectedRevision` from If-Match. */
  async execute(
    command: ApplicationCommand,
    context: CommandContext,
    expectedRevision?: number,
  ): Promise<ApplicationChanged & { outcome: CommandOutcome<ApplicationState, ApplicationEvent> }> {
    const outcome = await executeCommand(this.store, applicationStreamId(command.applicationId), applicationDecider, command, context, {
      expectedRevision,
    });
    return { applicationId: command.applicationId, position: outcome.position, outcome };
  }
}
