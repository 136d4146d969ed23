import { Body, Controller, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationDoc, ApplicationsQueries, FileCaseStudyCommand, FileCheckInCommand, FileMonitoringReturnCommand } from '@pz/applications';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { Conflict } from '@pz/platform/domain';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor, Visitors } from '../shell/visitors';

const APPLICANT = ['applicant'] as const;

type Kind = 'check-in' | 'return' | 'case-study';

interface Field {
  id: string;
  label: string;
  hint?: string;
  type: 'text' | 'textarea' | 'pounds' | 'count' | 'yes-no';
  optional?: boolean;
}

/** The monitoring forms in plain language (domain.md: quarterly, plain words, "not going to plan" is welcome). */
const FORMS: Record<Kind, { title: string; scheduleKind: string; intro: string; fields: Field[] }> = {
  'check-in': {
    title: 'First-month check-in',
    scheduleKind: 'check-in',
    intro: 'A few lines about your first month, so we can offer help early if you need it.',
    fields: [
      { id: 'summary', label: 'How has the first month gone?', type: 'textarea' },
      { id: 'supportNeeded', label: 'Is there anything you would like help with?', hint: 'For example finding volunteers, publicity, or a venue. Leave it blank if not.', type: 'textarea', optional: true },
    ],
  },
  return: {
    title: 'Quarterly return',
    scheduleKind: 'return',
    intro: 'What happened in the last three months. Saying something is not going to plan is welcome: it means we can help.',
    fields: [
      { id: 'period', label: 'Which months does this cover?', hint: 'For example, July to September 2026', type: 'text' },
      { id: 'spentPounds', label: 'How much of the grant have you spent in these months?', type: 'pounds' },
      { id: 'beneficiaries', label: 'How many people took part or were helped?', type: 'count' },
      { id: 'progress', label: 'What have you done?', type: 'textarea' },
      { id: 'onTrack', label: 'Is the project going to plan?', type: 'yes-no' },
      { id: 'issues', label: 'What is not going to plan, or what could help?', hint: 'Leave it blank if everything is fine.', type: 'textarea', optional: true },
    ],
  },
  'case-study': {
    title: 'Case study',
    scheduleKind: 'case-study',
    intro: 'The story of your project, on the funder’s fixed template. Sending it closes the grant.',
    fields: [
      { id: 'title', label: 'A title for your story', type: 'text' },
      { id: 'summary', label: 'What did the project do?', type: 'textarea' },
      { id: 'outcomes', label: 'What changed because of it?', type: 'textarea' },
      { id: 'beneficiaries', label: 'How many people took part or were helped, in all?', type: 'count' },
      { id: 'quote', label: 'A quote from someone who took part', hint: 'Only with their permission. Leave it blank if you have none.', type: 'textarea', optional: true },
      { id: 'lessons', label: 'What would you do differently?', type: 'textarea' },
      { id: 'sustainability', label: 'What happens to the project now?', type: 'textarea' },
      { id: 'consentToPublish', label: 'May we publish this case study on our website?', hint: 'We take it down if you change your mind.', type: 'yes-no' },
    ],
  },
};

/**
 * A grantee's reports, each a form with its due date, reached straight from the reminder email's
 * link: the first-month check-in, each quarterly return, the closing case study.
 */
@Controller('my/applications/:id')
export class MonitoringPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly applications: ApplicationsQueries,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('check-in', APPLICANT)
  checkInForm(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.form('check-in', id, visitor, request, reply);
  }

  @PagePost('check-in', APPLICANT)
  checkIn(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.file('check-in', id, body, ctx, visitor, request, reply);
  }

  @PageGet('return', APPLICANT)
  returnForm(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.form('return', id, visitor, request, reply);
  }

  @PagePost('return', APPLICANT)
  fileReturn(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.file('return', id, body, ctx, visitor, request, reply);
  }

  @PageGet('case-study', APPLICANT)
  caseStudyForm(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.form('case-study', id, visitor, request, reply);
  }

  @PagePost('case-study', APPLICANT)
  caseStudy(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.file('case-study', id, body, ctx, visitor, request, reply);
  }

  private async form(kind: Kind, id: string, visitor: Visitor, request: FastifyRequest, reply: FastifyReply) {
    const { doc, dueAt } = await this.grant(kind, id, visitor);
    const restored = await this.visitors.restoredForm(request);
    const values = Object.fromEntries(FORMS[kind].fields.map((f) => [f.id, textOf(restored, f.id)]));
    await this.show(kind, doc, dueAt, values, [], request, reply, 200);
  }

  private async file(kind: Kind, id: string, body: FormFields, ctx: CommandContext, visitor: Visitor, request: FastifyRequest, reply: FastifyReply) {
    const { doc, dueAt } = await this.grant(kind, id, visitor);
    const values = Object.fromEntries(FORMS[kind].fields.map((f) => [f.id, textOf(body, f.id)]));
    const { answers, errors } = read(FORMS[kind].fields, values);
    if (errors.length > 0) return this.show(kind, doc, dueAt, values, errors, request, reply, 400);
    const org = visitor.user.org!;
    try {
      const command =
        kind === 'check-in'
          ? new FileCheckInCommand({ applicationId: id, org, summary: answers.summary as string, supportNeeded: (answers.supportNeeded as string) ?? '' }, ctx)
          : kind === 'return'
            ? new FileMonitoringReturnCommand(
                { applicationId: id, org, period: answers.period as string, spentPence: answers.spentPounds as number, beneficiaries: answers.beneficiaries as number, progress: answers.progress as string, onTrack: answers.onTrack as boolean, ...(answers.issues ? { issues: answers.issues as string } : {}) },
                ctx,
              )
            : new FileCaseStudyCommand(
                {
                  applicationId: id,
                  org,
                  caseStudy: {
                    title: answers.title as string,
                    summary: answers.summary as string,
                    outcomes: answers.outcomes as string,
                    beneficiaries: answers.beneficiaries as number,
                    quote: (answers.quote as string | undefined) ?? null,
                    lessons: answers.lessons as string,
                    sustainability: answers.sustainability as string,
                    consentToPublish: answers.consentToPublish as boolean,
                  },
                },
                ctx,
              );
      const { position } = await this.commands.execute(command);
      await this.readModels.waitFor(position);
    } catch (error) {
      // Sent already (by a colleague, or twice): back to the grant's page, which says so.
      if (error instanceof Conflict) return this.pages.redirect(reply, `/my/applications/${id}`);
      throw error;
    }
    await this.pages.redirect(reply, `/my/applications/${id}`);
  }

  /** The caller's own funded grant with an item of this kind still to send, and its due date; else 404. */
  private async grant(kind: Kind, id: string, visitor: Visitor): Promise<{ doc: ApplicationDoc; dueAt: string }> {
    const doc = id.length <= 100 ? await this.applications.doc(id) : undefined;
    if (!doc || doc.org !== visitor.user.org || doc.status !== 'awarded') throw new NotFoundException();
    const next = doc.schedule.find((i) => i.kind === FORMS[kind].scheduleKind && !(i.key in doc.filed));
    if (!next) throw new NotFoundException();
    return { doc, dueAt: next.dueAt };
  }

  private async show(kind: Kind, doc: ApplicationDoc, dueAt: string, values: Record<string, string>, errors: FieldError[], request: FastifyRequest, reply: FastifyReply, status: number) {
    const form = FORMS[kind];
    await this.pages.render(request, reply, 'applicant/monitoring-form', { title: form.title, form, kind, doc, dueAt, values, errors, noIndex: true }, status);
  }
}

/** Each answer read from its text; every problem named by its field. */
function read(fields: Field[], values: Record<string, string>): { answers: Record<string, string | number | boolean>; errors: FieldError[] } {
  const answers: Record<string, string | number | boolean> = {};
  const errors: FieldError[] = [];
  for (const f of fields) {
    const value = values[f.id];
    if (value === '') {
      if (!f.optional) errors.push({ field: f.id, text: f.type === 'yes-no' ? `Select yes or no: ${lowerFirst(f.label)}` : `Answer: ${lowerFirst(f.label)}` });
      continue;
    }
    switch (f.type) {
      case 'pounds': {
        const pounds = value.replace(/[£,\s]/g, '');
        if (!/^\d{1,7}(\.\d{1,2})?$/.test(pounds)) errors.push({ field: f.id, text: 'Enter an amount in pounds, like 750 or 120.50' });
        else answers[f.id] = Math.round(Number(pounds) * 100);
        break;
      }
      case 'count':
        if (!/^\d{1,7}$/.test(value)) errors.push({ field: f.id, text: 'Enter a whole number, like 25' });
        else answers[f.id] = Number(value);
        break;
      case 'yes-no':
        if (value !== 'yes' && value !== 'no') errors.push({ field: f.id, text: `Select yes or no: ${lowerFirst(f.label)}` });
        else answers[f.id] = value === 'yes';
        break;
      default:
        if (value.length > 5000) errors.push({ field: f.id, text: 'The answer must be 5,000 characters or fewer' });
        else answers[f.id] = value;
    }
  }
  return { answers, errors };
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
