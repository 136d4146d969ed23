import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pz/platform';
import { withTimeout, WorkQueue } from '../jobs/work-queue';

export interface JobSummary {
  id: string;
  name: string;
  attemptsMade: number;
  failedReason: string | null;
  runAt: string;
  finishedAt: string | null;
}

/** For the operator on call: what the worker could not do, and a way to try again. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations/jobs')
export class OperationsController {
  constructor(private readonly work: WorkQueue) {}

  @Get()
  @Roles('staff')
  @ApiQuery({ name: 'state', required: false, enum: ['failed', 'delayed', 'waiting', 'active', 'completed'] })
  @ApiOperation({ summary: 'Background jobs by state (default: failed), newest first, with the failure reason (staff)' })
  async list(@Query('state') state = 'failed'): Promise<{ counts: Record<string, number>; jobs: JobSummary[] }> {
    const allowed = ['failed', 'delayed', 'waiting', 'active', 'completed'] as const;
    const chosen = (allowed as readonly string[]).includes(state) ? (state as (typeof allowed)[number]) : 'failed';
    const [counts, jobs] = await Promise.all([
      this.work.counts(),
      withTimeout(this.work.queue.getJobs([chosen], 0, 99, false), 5000, 'listing jobs'),
    ]);
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

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Retry a failed background job (staff)' })
  async retry(@Param('id') id: string): Promise<{ id: string; retried: true }> {
    const job = await this.work.queue.getJob(id);
    if (!job || !(await job.isFailed())) throw new NotFoundException(`No failed job ${id}`);
    await job.retry('failed');
    return { id, retried: true };
  }
}
