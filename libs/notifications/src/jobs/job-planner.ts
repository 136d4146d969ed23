import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '@pz/event-store';
import { APP_CONFIG, AppConfig, ReadModels } from '@pz/platform';
import { fold } from '@pz/platform/domain';
import { roundDecider } from '@pz/rounds/domain';
import { PlanningPolicy, planJobs, RoundDates } from './job-plan';
import { WorkQueue } from './work-queue';

export const PLANNER_CHECKPOINT = 'job-planner';

export function planningPolicy(config: AppConfig): PlanningPolicy {
  return {
    reminderLead: config.reminderLead,
    rag: { amberAfter: config.ragAmberAfter, redAfter: config.ragRedAfter },
  };
}

/**
 * Follows the event log from its checkpoint and turns events into queued jobs. Controllers never
 * enqueue: if Redis is away, commands still succeed, this batch fails and is retried from the
 * same checkpoint until Redis is back, so work is delayed and never lost.
 */
@Injectable()
export class JobPlanner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobPlanner');
  private subscription: Subscription | null = null;
  private position = 0;
  private lastError: string | null = null;
  private starting: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Cuts short the wait between attempts to reach the event store, on shutdown. */
  private wake: () => void = () => undefined;
  private readonly policy: PlanningPolicy;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly work: WorkQueue,
    private readonly readModels: ReadModels,
  ) {
    this.policy = planningPolicy(config);
  }

  /**
   * Not awaited by start-up: an event store that does not answer yet (EventStoreDB still starting,
   * or away) must not stop the service starting. Planning waits for it, saying so, and starts once
   * it answers.
   */
  onApplicationBootstrap(): void {
    this.starting = this.follow();
  }

  private async follow(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        this.position = (await this.store.loadCheckpoint(PLANNER_CHECKPOINT)) ?? 0;
        break;
      } catch (error) {
        this.lastError = `the event store does not answer: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        const waitMs = Math.min(1000 * 2 ** attempt, 30_000);
        this.logger.warn(`Job planning waits for the event store (retrying in ${waitMs / 1000} s): ${this.lastError}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    if (this.stopping) return;
    this.lastError = null;
    this.subscription = this.store.subscribeToAll({
      after: this.position,
      batchSize: 200,
      handle: (events) => this.plan(events),
      onError: (error) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Planning paused, will retry from position ${this.position}: ${this.lastError}`);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.starting;
    await this.subscription?.stop();
    this.subscription = null;
  }

  /** Where planning stands; `lag` is null while the event store does not say where the log ends. */
  async status(): Promise<{ position: number; lag: number | null; lastError: string | null }> {
    const head = await this.store.headPosition().catch(() => null);
    return { position: this.position, lag: head === null ? null : Math.max(0, head - this.position), lastError: this.lastError };
  }

  private async plan(events: RecordedEvent[]): Promise<void> {
    // Jobs read the read models (who is subscribed, what a round says): plan them only once the
    // read models hold these events, or a job run at once could find nothing and skip its work.
    // A timeout fails the batch, which is planned again from the same checkpoint.
    await this.readModels.waitFor(events[events.length - 1].position, 30_000);
    for (const event of events) {
      const previous = event.type === 'RoundRescheduled' || event.type === 'RoundCancelled' ? await this.roundBefore(event) : undefined;
      await this.work.apply(planJobs(event, this.policy, previous));
    }
    const last = events[events.length - 1].position;
    await this.store.saveCheckpoint(PLANNER_CHECKPOINT, last);
    this.position = last;
    this.lastError = null;
  }

  /** The round's dates as they were just before this event. */
  private async roundBefore(event: RecordedEvent): Promise<RoundDates | undefined> {
    const history = (await this.store.readStream(event.streamId)).filter((e) => e.revision < event.revision);
    const state = fold(roundDecider, history);
    return state.status === 'none' ? undefined : state.round;
  }
}
