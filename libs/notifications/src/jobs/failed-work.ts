import { Injectable } from '@nestjs/common';
import { withTimeout, WorkQueue } from './work-queue';

export interface JobSummary {
  id: string;
  name: string;
  attemptsMade: number;
  failedReason: string | null;
  runAt: string;
  finishedAt: string | null;
}

export const JOB_STATES = ['failed', 'delayed', 'waiting', 'active', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * What the worker could not do, and trying it again: for the operator on call (the JSON route)
 * and for staff (the operations page). Mail goes out as jobs, so failed emails are here too.
 */
@Injectable()
export class FailedWork {
  constructor(private readonly work: WorkQueue) {}

  async list(state: JobState = 'failed', limit = 100): Promise<{ counts: Record<string, number>; jobs: JobSummary[] }> {
    const [counts, jobs] = await Promise.all([this.work.counts(), withTimeout(this.work.queue.getJobs([state], 0, limit - 1, false), 5000, 'listing jobs')]);
    return {
      counts,
      jobs: jobs.filter(Boolean).map((job) => ({
        id: job.id!,
        name: job.name,
        attemptsMade: job.attemptsMade,
        failedReason: job.failedReason ?? null,
        runAt: new Date(job.timestamp + (job.delay ?? 0)).toISOString(),
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      })),
    };
  }

  /** False when there is no such failed job (never failed, already retried, or gone). */
  async retry(id: string): Promise<boolean> {
    const job = await withTimeout(this.work.queue.getJob(id), 5000, 'finding a job');
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed');
    return true;
  }
}
