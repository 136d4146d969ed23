import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { DocumentReader, Projection, ProjectionRunner, ProjectionStatus, READ_MODEL_STORE, ReadModelStore } from '@pz/projections';

/**
 * The process's read models: feature modules register their projections while the app
 * initialises; one runner then feeds them all from the global log.
 */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly projections: Projection[] = [];
  private runner: ProjectionRunner | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORE) readonly readModelStore: ReadModelStore,
  ) {}

  register(projection: Projection): void {
    if (this.runner) throw new Error('Projections must be registered before the application starts');
    if (this.projections.some((p) => p.name === projection.name)) return;
    this.projections.push(projection);
  }

  get all(): readonly Projection[] {
    return this.projections;
  }

  get documents(): DocumentReader {
    return this.active().documents;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.runner = new ProjectionRunner(this.store, this.readModelStore, this.projections, {
      onError: (error) => this.logger.error(`Projection batch failed and will be retried: ${String(error)}`),
    });
    await this.runner.start();
  }

  /** Before the stores close: let the batch in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    return this.active().waitFor(position, timeoutMs);
  }

  /** How far every read model has read the log: pages key their caches on it (it only moves on). */
  get position(): number {
    return this.runner?.position ?? 0;
  }

  status(): Promise<ProjectionStatus[]> {
    return this.active().status();
  }

  rebuild(): Promise<void> {
    return this.active().rebuild();
  }

  private active(): ProjectionRunner {
    if (!this.runner) throw new Error('Read models are not started yet');
    return this.runner;
  }
}
