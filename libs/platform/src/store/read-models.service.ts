import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { DocumentReader, Projection, ProjectionRunner, ProjectionStatus } from '@pz/projections';

export const READ_MODEL_DB = Symbol('ReadModelDatabase');

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
    @Inject(READ_MODEL_DB) private readonly db: Database.Database,
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

  onApplicationBootstrap(): void {
    this.runner = new ProjectionRunner(this.store, this.db, this.projections, {
      onError: (error) => this.logger.error(`Projection batch failed and will be retried: ${String(error)}`),
    });
    this.runner.start();
  }

  /** Before the stores close: let the batch in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    return this.active().waitFor(position, timeoutMs);
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
