import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Duration } from 'luxon';
import Redis from 'ioredis';
import { ApplicationsQueries } from '@pz/applications';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { RoundsQueries } from '@pz/rounds';
import { JobHandlers } from './job-handlers';
import { JobName, monitoringJobs, PlannedJob, roundNoticeJobs } from './job-plan';
import { planningPolicy } from './job-planner';
import { withTimeout, WORK_QUEUE, WorkQueue } from './work-queue';

const SWEEP_SCHEDULER = 'sweep';
const SHUTDOWN_GRACE_MS = Number(process.env.WORKER_SHUTDOWN_GRACE_MS ?? 10_000);

/**
 * Runs queued jobs, and every SWEEP_INTERVAL re-derives the work that should exist from the read
 * models and re-adds it: deterministic ids make that a no-op for jobs still queued, and brings
 * back any that were lost from Redis (a flushed or replaced instance).
 */
@Injectable()
export class WorkRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkRunner');
  private worker: Worker | null = null;
  private connection: Redis | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlers: JobHandlers,
    private readonly work: WorkQueue,
    private readonly rounds: RoundsQueries,
    private readonly applications: ApplicationsQueries,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A blocking worker connection must retry forever rather than fail its commands.
    this.connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.connection.on('error', (error) => this.logger.debug(`Redis: ${error.message}`));
    this.worker = new Worker(WORK_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 8,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`Job ${job?.id} (${job?.name}) failed on attempt ${job?.attemptsMade}: ${error.message}`),
    );
    this.worker.on('error', (error) => this.logger.debug(`Worker: ${error.message}`));
    // Not awaited: start-up must not wait for Redis; the scheduler is upserted once it answers.
    void this.scheduleSweep();
  }

  /** SIGTERM: stop taking jobs and let the ones running finish. */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const closing = worker.close();
      // Drain when Redis answers; without it a running job could not finish anyway.
      if (this.connection?.status === 'ready') {
        await withTimeout(closing, SHUTDOWN_GRACE_MS, 'draining the worker').catch(() => undefined);
      }
    }
    // Also releases a close still waiting on an unreachable Redis.
    this.connection?.disconnect();
  }

  get running(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === 'sweep') return this.sweep();
    const outcome = await this.handlers.run(job.name as JobName, job.id!, job.data as Record<string, string>);
    this.logger.log(`Job ${job.id}: ${JSON.stringify(outcome)}`);
    return outcome;
  }

  async sweep(now = new Date().toISOString()): Promise<{ readded: number }> {
    const policy = planningPolicy(this.config);
    const jobs: PlannedJob[] = [];
    for (const round of await this.rounds.list(now)) {
      if (round.status === 'cancelled' || round.status === 'closed') continue;
      jobs.push(...roundNoticeJobs({ roundId: round.id, announceAt: round.announceAt, opensAt: round.opensAt, closesAt: round.closesAt }, policy));
    }
    for (const doc of await this.applications.all()) {
      if (doc.status !== 'awarded') continue;
      const open = doc.schedule.filter((i) => !(i.key in doc.filed));
      jobs.push(...monitoringJobs(doc.id, open, policy));
    }
    await this.work.apply({ add: jobs, remove: [] });
    return { readded: jobs.length };
  }

  private async scheduleSweep(): Promise<void> {
    const every = Duration.fromISO(this.config.sweepInterval).toMillis();
    for (let attempt = 0; this.worker; attempt++) {
      try {
        await this.work.queue.upsertJobScheduler(SWEEP_SCHEDULER, { every }, { name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 } });
        return;
      } catch (error) {
        if (attempt === 0) this.logger.warn(`Sweep not scheduled yet, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(1000 * (attempt + 1), 10_000)));
      }
    }
  }
}
