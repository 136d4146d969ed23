import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import type { JobPlan, PlannedJob } from './job-plan';

export const WORK_QUEUE = 'scheduled-work';

/** Retries with backoff, and enough history kept for staff to see what failed and why. */
export const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/**
 * The producer side of the queue. Its connection does not queue commands while Redis is away,
 * so an add fails fast and the planner retries the batch later instead of hanging.
 */
@Injectable()
export class WorkQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('WorkQueue');
  readonly queue: Queue;
  private readonly connection: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.connection.on('error', (error) => this.logger.debug(`Redis: ${error.message}`));
    this.queue = new Queue(WORK_QUEUE, { connection: this.connection, prefix: config.queuePrefix, defaultJobOptions: JOB_OPTIONS });
    this.queue.on('error', (error) => this.logger.debug(`Queue: ${error.message}`));
  }

  /**
   * Bounded in time: while Redis is unreachable the client waits for a connection indefinitely,
   * and a planner stuck there could neither report the outage nor shut down.
   */
  apply(plan: JobPlan, now = Date.now()): Promise<void> {
    return withTimeout(
      (async () => {
        for (const id of plan.remove) await this.queue.remove(id);
        if (plan.add.length > 0) await this.queue.addBulk(plan.add.map((job) => toBulk(job, now)));
      })(),
      QUEUE_TIMEOUT_MS,
      'adding jobs',
    );
  }

  add(job: PlannedJob, now = Date.now()): Promise<Job> {
    const bulk = toBulk(job, now);
    return withTimeout(this.queue.add(bulk.name, bulk.data, bulk.opts), QUEUE_TIMEOUT_MS, 'adding a job');
  }

  counts(): Promise<Record<string, number>> {
    return withTimeout(this.queue.getJobCounts('failed', 'delayed', 'waiting', 'active', 'completed'), 1000, 'counting jobs');
  }

  async onApplicationShutdown(): Promise<void> {
    await withTimeout(this.queue.close(), 2000, 'closing the queue').catch(() => undefined);
    this.connection.disconnect();
  }
}

const QUEUE_TIMEOUT_MS = 5000;

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms while ${what}`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function toBulk(job: PlannedJob, now: number) {
  return {
    name: job.name,
    data: job.data,
    opts: { ...JOB_OPTIONS, jobId: job.id, delay: Math.max(0, Date.parse(job.runAt) - now) },
  };
}
