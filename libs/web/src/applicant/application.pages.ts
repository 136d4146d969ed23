import { Body, Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AcceptOfferCommand,
  ApplicationDoc,
  ApplicationsQueries,
  EditDraftCommand,
  OpenDraftCommand,
  referenceOf,
  SubmitApplicationCommand,
  WithdrawApplicationCommand,
} from '@pz/applications';
import { EMPTY_DETAILS } from '@pz/applications/domain';
import { ConcurrencyError } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { CommandContext, Ctx, entityIdFor, ReadModels } from '@pz/platform';
import { Conflict, InvalidCommand } from '@pz/platform/domain';
import { RoundsQueries, RoundView, ZonesCatalogue } from '@pz/rounds';
import { roundStatusAt } from '@pz/rounds/domain';
import { emailProblem } from '../account/email-field';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor, Visitors } from '../shell/visitors';
import { allComplete, DRAFT_SECTIONS, DraftSection, FIELD_LABELS, fieldErrorsOf, readSection, sectionPrint, statusOf, typedValues, valuesOf } from './draft-sections';
import { grantTasks, timelineInWords } from './application-story';
import { DecisionsBy } from './decisions-by';
import { APPLICANT_STATUS } from './status-names';

const APPLICANT = ['applicant'] as const;

/**
 * A volunteer's application, from a title to the decision (web.md, issue 16): a task list of
 * short sections saved one at a time, check your answers, send, then a page that says where it
 * is, what was decided and what is due. Only members of the organisation that applied see it:
 * to anyone else it does not exist (404).
 */
@Controller('my/applications')
export class ApplicationPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly applications: ApplicationsQueries,
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    private readonly vault: PersonalDataVault,
    private readonly decisionsBy: DecisionsBy,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  /** From a round's "Start your application": a group first, then a name for the project. */
  @PageGet('new', 'signed-in')
  async start(@Query('round') roundId: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.openRound(roundId);
    const restored = await this.visitors.restoredForm(request);
    await this.pages.render(request, reply, 'applicant/application-start', { title: `Start your application: ${round.name}`, round, hasOrganisation: Boolean(visitor.user.org), values: { title: textOf(restored, 'title') }, noIndex: true });
  }

  @PagePost('new', APPLICANT)
  async open(@Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.openRound(textOf(body, 'round'));
    const title = textOf(body, 'title');
    const problem = title === '' ? 'Enter the name of your project' : title.length > 200 ? 'The name must be 200 characters or fewer' : null;
    if (problem) {
      return this.pages.render(request, reply, 'applicant/application-start', { title: `Start your application: ${round.name}`, round, hasOrganisation: true, values: { title }, errors: [{ field: 'title', text: problem }], noIndex: true }, 400);
    }
    const contact = visitor.user.email ? await this.vault.sealFor(visitor.user.email) : null;
    const applicationId = entityIdFor(ctx, 'application');
    const { position } = await this.commands.execute(
      new OpenDraftCommand({ applicationId, roundId: round.id, org: visitor.user.org!, openedBy: visitor.user.sub, details: { ...EMPTY_DETAILS, title }, contact }, ctx),
    );
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/my/applications/${applicationId}`);
  }

  /** A draft's task list; once sent, where it is and what happens next. */
  @PageGet(':id', APPLICANT)
  async application(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.own(id, visitor);
    const now = new Date().toISOString();
    if (doc.status === 'draft') {
      const tasks = DRAFT_SECTIONS.map((s) => ({ key: s.key, title: s.title, status: statusOf(s, doc, round) }));
      return this.pages.render(request, reply, 'applicant/application-tasks', {
        title: doc.title,
        doc,
        round,
        tasks,
        open: roundStatusAt(round, now) === 'open',
        acceptsEdits: ['open', 'scheduled', 'announced'].includes(roundStatusAt(round, now)),
        complete: allComplete(doc, round),
        noIndex: true,
      });
    }
    const view = await this.applications.present(doc, visitor.user, now);
    await this.pages.render(request, reply, 'applicant/application', {
      title: doc.title,
      doc,
      view,
      round,
      status: APPLICANT_STATUS[doc.status],
      timeline: timelineInWords(view.timeline),
      tasks: grantTasks(view, now),
      decisionsBy: this.decisionsBy.after(round.closesAt),
      withdrawable: doc.status === 'submitted',
      noIndex: true,
    });
  }

  @PageGet(':id/answers/:section', APPLICANT)
  async section(@Param('id') id: string, @Param('section') key: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.ownDraft(id, visitor);
    const section = sectionOf(key);
    const contact = doc.contact ? await this.vault.open(doc.contact) : null;
    // What was typed before the session ran out, over what the draft holds.
    const restored = await this.visitors.restoredForm(request);
    const typed = restored ? Object.fromEntries(Object.entries(typedValues(restored)).filter(([name]) => name in restored)) : {};
    await this.showSection(request, reply, doc, round, section, { ...valuesOf(doc, contact), ...typed }, [], 200);
  }

  /** Saves one section: "Save and continue" goes on to the next, "Save and come back later" to the list. */
  @PagePost(':id/answers/:section', APPLICANT)
  async saveSection(@Param('id') id: string, @Param('section') key: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.ownDraft(id, visitor);
    const section = sectionOf(key);
    const values = typedValues(body);
    const read = readSection(section, values, round);
    let errors = read.ok ? [] : read.errors;
    if (read.ok && read.value.contactEmail !== undefined) {
      const problem = emailProblem(read.value.contactEmail);
      if (problem) errors = [{ field: 'contactEmail', text: problem }];
    }
    if (errors.length > 0 || !read.ok) return this.showSection(request, reply, doc, round, section, values, errors, 400);

    const posted = Number(textOf(body, 'revision'));
    let revision = Number.isInteger(posted) ? posted : doc.revision;
    const contact = read.value.contactEmail !== undefined ? await this.vault.sealFor(read.value.contactEmail) : undefined;
    const edit = (expected: number) =>
      this.commands.execute(new EditDraftCommand({ applicationId: id, org: visitor.user.org!, changes: read.value.changes, ...(contact ? { contact } : {}) }, ctx, expected));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.readModels.waitFor((await edit(revision)).position);
        break;
      } catch (error) {
        if (error instanceof InvalidCommand) return this.showSection(request, reply, doc, round, section, values, fieldErrorsOf(error.problems), 400);
        const now = await this.applications.doc(id);
        // Saved by someone else since this form was shown (the If-Match check's Conflict, or a racing append).
        const overtaken = (error instanceof ConcurrencyError || error instanceof Conflict) && now !== undefined && now.status === 'draft' && now.revision !== revision;
        if (!overtaken || attempt >= 3) {
          if (error instanceof Conflict && !overtaken) return this.showSection(request, reply, doc, round, section, values, [{ field: section.inputs[0], text: error.message }], 409);
          throw error;
        }
        // Only a change to this very section is a clash; another section's save is not.
        const contactNow = now.contact ? await this.vault.open(now.contact) : null;
        if (sectionPrint(section, valuesOf(now, contactNow)) !== textOf(body, 'was')) return this.someoneElseChanged(request, reply, now, contactNow, section, values);
        revision = now.revision;
      }
    }
    const next = DRAFT_SECTIONS[DRAFT_SECTIONS.indexOf(section) + 1];
    const later = textOf(body, 'action') === 'later';
    await this.pages.redirect(reply, later || !next ? `/my/applications/${id}` : `/my/applications/${id}/answers/${next.key}`);
  }

  @PageGet(':id/check', APPLICANT)
  async check(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.ownDraft(id, visitor);
    if (!allComplete(doc, round)) return this.pages.redirect(reply, `/my/applications/${id}`);
    const contact = doc.contact ? await this.vault.open(doc.contact) : null;
    await this.pages.render(request, reply, 'applicant/application-check', { title: 'Check your answers before sending', doc, round, answers: this.answersOf(doc, round, contact), noIndex: true });
  }

  /** Sends the draft; the redirect after it (Post/Redirect/Get) means a refresh cannot send it twice. */
  @PagePost(':id/send', APPLICANT)
  async send(@Param('id') id: string, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.own(id, visitor);
    if (doc.status === 'submitted') return this.pages.redirect(reply, `/my/applications/${id}/sent`);
    try {
      const { position } = await this.commands.execute(new SubmitApplicationCommand({ applicationId: id, org: visitor.user.org! }, ctx));
      await this.readModels.waitFor(position);
    } catch (error) {
      if (!(error instanceof Conflict) && !(error instanceof InvalidCommand)) throw error;
      const reason = error instanceof InvalidCommand ? 'incomplete' : roundStatusAt(round, ctx.now) === 'open' ? 'changed' : 'closed';
      return this.pages.render(request, reply, 'applicant/application-not-sent', { title: 'Your application has not been sent', doc, round, reason, noIndex: true }, 409);
    }
    await this.pages.redirect(reply, `/my/applications/${id}/sent`);
  }

  @PageGet(':id/sent', APPLICANT)
  async sent(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.own(id, visitor);
    if (doc.status !== 'submitted') return this.pages.redirect(reply, `/my/applications/${id}`);
    await this.pages.render(request, reply, 'applicant/application-sent', { title: 'Application sent', doc, round, reference: referenceOf(doc.id), decisionsBy: this.decisionsBy.after(round.closesAt), noIndex: true });
  }

  @PageGet(':id/withdraw', APPLICANT)
  async withdrawForm(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc } = await this.withdrawable(id, visitor);
    const restored = await this.visitors.restoredForm(request);
    await this.pages.render(request, reply, 'applicant/application-withdraw', { title: 'Withdraw your application', doc, values: { reason: textOf(restored, 'reason') }, noIndex: true });
  }

  @PagePost(':id/withdraw', APPLICANT)
  async withdraw(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc } = await this.withdrawable(id, visitor);
    const reason = textOf(body, 'reason');
    if (reason.length > 2000) {
      return this.pages.render(request, reply, 'applicant/application-withdraw', { title: 'Withdraw your application', doc, values: { reason }, errors: [{ field: 'reason', text: 'The reason must be 2,000 characters or fewer' }], noIndex: true }, 400);
    }
    const { position } = await this.commands.execute(new WithdrawApplicationCommand({ applicationId: id, org: visitor.user.org!, reason: reason || undefined }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/my/applications/${id}`);
  }

  @PagePost(':id/accept', APPLICANT)
  async accept(@Param('id') id: string, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Res() reply: FastifyReply) {
    const { doc } = await this.own(id, visitor);
    if (doc.status !== 'awarded' && doc.status !== 'closed') throw new NotFoundException();
    const { position } = await this.commands.execute(new AcceptOfferCommand({ applicationId: id, org: visitor.user.org!, acceptedBy: visitor.user.sub }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/my/applications/${id}#offer`);
  }

  private async showSection(request: FastifyRequest, reply: FastifyReply, doc: ApplicationDoc, round: RoundView, section: DraftSection, values: Record<string, string>, errors: FieldError[], status: number) {
    const sustainabilityWeight = round.criteria.find((c) => c.key === 'sustainability')?.weight ?? null;
    const heaviest = Math.max(...round.criteria.map((c) => c.weight));
    const contact = doc.contact ? await this.vault.open(doc.contact) : null;
    await this.pages.render(request, reply, 'applicant/application-section', {
      title: section.title,
      doc,
      round,
      section,
      values,
      was: sectionPrint(section, valuesOf(doc, contact)),
      errors,
      zoneItems: round.zones.map((z) => ({ value: z, text: this.zones.zones.find((zone) => zone.id === z)?.name ?? z, checked: values.zone === z })),
      themeItems: round.themes.map((t) => ({ value: t, text: t, checked: values.theme === t })),
      sustainabilityWeighsMost: sustainabilityWeight !== null && sustainabilityWeight === heaviest,
      maxAwardPence: round.maxAwardPence,
      noIndex: true,
    }, status);
  }

  /** Another member saved this section since this page was opened: show both, let the person choose. */
  private async someoneElseChanged(request: FastifyRequest, reply: FastifyReply, doc: ApplicationDoc, contact: string | null, section: DraftSection, yours: Record<string, string>) {
    const theirs = valuesOf(doc, contact);
    const rows = section.inputs.filter((name) => (theirs[name] ?? '') !== (yours[name] ?? '')).map((name) => ({ label: FIELD_LABELS[name], theirs: theirs[name], yours: yours[name] }));
    await this.pages.render(
      request,
      reply,
      'applicant/application-changed',
      { title: 'Someone else changed this section', doc, section, rows, yours: section.inputs.map((name) => ({ name, value: yours[name] ?? '' })), was: sectionPrint(section, theirs), noIndex: true },
      409,
    );
  }

  private answersOf(doc: ApplicationDoc, round: RoundView, contact: string | null) {
    const zone = this.zones.zones.find((z) => z.id === doc.zone)?.name ?? doc.zone;
    return [
      { section: 'about', rows: [['Project name', doc.title], ['Summary', doc.summary]] },
      { section: 'where', rows: [['People Zone', zone], ['Theme', doc.theme]] },
      { section: 'dates', rows: [['Starts', doc.projectStart], ['Ends', doc.projectEnd]] },
      { section: 'money', rows: [['Amount asked for', doc.requestedPence]] },
      { section: 'sustainability', rows: [['How it will last', doc.sustainability]] },
      { section: 'partners', rows: [['Partners', doc.partners.map((p) => p.name).join(', ') || (round.kind === 'collaborative' ? '' : 'None')]] },
      { section: 'contact', rows: [['Contact email', contact ?? '']] },
    ];
  }

  private async openRound(roundId: unknown): Promise<RoundView> {
    const round = typeof roundId === 'string' && roundId.length <= 100 ? await this.rounds.view(roundId) : undefined;
    if (!round || round.cancelledAt) throw new NotFoundException();
    return round;
  }

  private async own(id: string, visitor: Visitor): Promise<{ doc: ApplicationDoc; round: RoundView }> {
    const doc = id.length <= 100 ? await this.applications.doc(id) : undefined;
    // Another organisation's application, to this person, does not exist.
    if (!doc || doc.org !== visitor.user.org) throw new NotFoundException();
    const round = await this.rounds.view(doc.roundId);
    if (!round) throw new NotFoundException();
    return { doc, round };
  }

  private async ownDraft(id: string, visitor: Visitor) {
    const owned = await this.own(id, visitor);
    if (owned.doc.status !== 'draft') throw new NotFoundException();
    return owned;
  }

  private async withdrawable(id: string, visitor: Visitor) {
    const owned = await this.own(id, visitor);
    if (owned.doc.status !== 'submitted' && owned.doc.status !== 'draft') throw new NotFoundException();
    return owned;
  }
}

function sectionOf(key: string): DraftSection {
  const section = DRAFT_SECTIONS.find((s) => s.key === key);
  if (!section) throw new NotFoundException();
  return section;
}
