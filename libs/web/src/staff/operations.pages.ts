import { Controller, Logger, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FailedWork, JOB_STATES, JobState, JobSummary } from '@pz/notifications';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';

const STAFF = ['staff'] as const;
const JOB_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** What each kind of background job does, as staff would say it. */
export const JOB_NAMES: Record<string, string> = {
  'round-alert': 'Emails announcing a round',
  'round-open': 'Emails saying a round is open',
  'round-closing': 'Emails saying a round is closing',
  'subscriber-mail': 'Email to someone who asked for alerts',
  'grantee-reminder': 'Reminder email to a funded group',
  'rag-check': 'Checking a grant’s RAG rating',
  'rag-alert': 'RAG alert email to staff',
  'subscription-confirmation': 'Email confirming alerts',
  invitation: 'Invitation email',
  'erasure-cleanup': 'Removing an erased person’s emails and jobs',
  sweep: 'Housekeeping',
};

const STATE_NAMES: Record<JobState, string> = { failed: 'Failed', delayed: 'Waiting for their time', waiting: 'Ready to run', active: 'Running', completed: 'Done' };

/**
 * Failed emails and jobs (web.md, staff): what the worker could not do, why, and a button to try
 * again, through the same service as `/operations/jobs`.
 */
@Controller('staff/operations')
export class OperationsPages {
  private readonly logger = new Logger('OperationsPages');

  constructor(
    private readonly work: FailedWork,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', STAFF)
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('state') stateText?: string, @Query('retried') retried?: string) {
    const asked = (stateText ?? '').trim();
    const errors: FieldError[] = [];
    if (asked !== '' && !(JOB_STATES as readonly string[]).includes(asked)) errors.push({ field: 'state', text: 'Choose which jobs to show from the list' });
    const state = errors.length === 0 && asked !== '' ? (asked as JobState) : 'failed';
    let found: { counts: Record<string, number>; jobs: JobSummary[] } | null = null;
    try {
      found = await this.work.list(state, 50);
    } catch (error) {
      // Redis away: the page says so rather than failing; the API still serves.
      this.logger.warn(`Job queue unavailable: ${(error as Error).message}`);
    }
    await this.pages.render(
      request,
      reply,
      'staff/operations',
      {
        title: 'Failed emails and jobs',
        state,
        stateName: STATE_NAMES[state],
        stateOptions: JOB_STATES.map((s) => ({ value: s, text: `${STATE_NAMES[s]}${found ? ` (${found.counts[s] ?? 0})` : ''}`, selected: s === state })),
        jobs: found?.jobs.map((j) => ({ ...j, what: JOB_NAMES[j.name] ?? j.name })) ?? [],
        unavailable: found === null,
        retried: retried && JOB_ID.test(retried) ? retried : null,
        errors,
        noIndex: true,
      },
      errors.length > 0 ? 400 : 200,
    );
  }

  @PagePost('jobs/:id/retry', STAFF)
  async retry(@Param('id') id: string, @Res() reply: FastifyReply) {
    if (!JOB_ID.test(id) || !(await this.work.retry(id))) throw new NotFoundException();
    await this.pages.redirect(reply, `/staff/operations?retried=${encodeURIComponent(id)}`);
  }
}
