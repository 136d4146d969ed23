import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pz/platform';
import { FailedWork, JOB_STATES, JobState, JobSummary } from '../jobs/failed-work';

export type { JobSummary };

/** For the operator on call: what the worker could not do, and a way to try again. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations/jobs')
export class OperationsController {
  constructor(private readonly work: FailedWork) {}

  @Get()
  @Roles('staff')
  @ApiQuery({ name: 'state', required: false, enum: ['failed', 'delayed', 'waiting', 'active', 'completed'] })
  @ApiOperation({ summary: 'Background jobs by state (default: failed), newest first, with the failure reason (staff)' })
  list(@Query('state') state = 'failed'): Promise<{ counts: Record<string, number>; jobs: JobSummary[] }> {
    const chosen = (JOB_STATES as readonly string[]).includes(state) ? (state as JobState) : 'failed';
    return this.work.list(chosen);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Retry a failed background job (staff)' })
  async retry(@Param('id') id: string): Promise<{ id: string; retried: true }> {
    if (!(await this.work.retry(id))) throw new NotFoundException(`No failed job ${id}`);
    return { id, retried: true };
  }
}
