import { Body, Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApplicationDoc,
  ApplicationsQueries,
  AwardGrantCommand,
  BRANDING_CONDITION,
  DeclineApplicationCommand,
  rankApplications,
  STEERING_GROUP_CONDITION,
  STEERING_GROUP_THRESHOLD_PENCE,
} from '@pz/applications';
import { IdentityQueries } from '@pz/identity';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { DomainError, InvalidCommand, SERVICE_ZONE } from '@pz/platform/domain';
import { DateTime } from 'luxon';
import { roundStatusAt, RoundView, ZonesCatalogue } from '@pz/rounds';
import { APPLICANT_STATUS } from '../applicant/status-names';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { pageOf } from '../shell/pagination';
import { pounds } from '../shell/uk-format';
import { penceOf, poundsField, TypedMoment, typedMoment } from './uk-form-fields';

const STAFF = ['staff'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ranking rows per page: the panel's meeting reads a round's first fifty together. */
export const RANKING_PAGE_SIZE = 50;
/** Members disagree widely when their totals are further apart than this share of the most a member can give. */
const WIDE_SPREAD_SHARE = 0.25;
const TRANCHE_ROWS = 3;
const CONDITION_KEY = /^[a-z0-9-]{1,60}$/;

interface AwardForm {
  amount: string;
  tranches: { amount: string; due: TypedMoment }[];
  conditions: string;
  note: string;
}

/**
 * Staff decide (web.md): the ranking of a round by the panel's mean weighted score, with each
 * member's total and how far apart they are; then each application's award (amount, tranches,
 * conditions, a note) against the budget left, or a decline with feedback. The rules (budget,
 * decided once, after the close) are the use cases'; a refusal is shown on the form, in words.
 */
@Controller('staff')
export class DecisionPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly applications: ApplicationsQueries,
    private readonly identity: IdentityQueries,
    private readonly zones: ZonesCatalogue,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('rounds/:id/ranking', STAFF)
  async ranking(@Param('id') id: string, @Query('page') page: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = UUID.test(id) ? await this.applications.round(id) : undefined;
    if (!round) throw new NotFoundException();
    const ranking = rankApplications(round.id, round.criteria, await this.applications.all());
    const paged = pageOf(ranking.entries, page, `/staff/rounds/${round.id}/ranking`, RANKING_PAGE_SIZE);
    const names = await this.memberNames(paged.items.flatMap((e) => e.members.map((m) => m.member)));
    const wide = ranking.maxWeightedScore * WIDE_SPREAD_SHARE;
    // Formatted here, not in the template: 50 rows of filters and macros were most of the page's time.
    const rows = paged.items.map((e) => ({
      rank: e.rank,
      applicationId: e.applicationId,
      title: e.title,
      theme: e.theme,
      spread: e.spread,
      requested: pounds(e.requestedPence),
      mean: e.meanWeightedScore ?? 'Not scored',
      statusText: APPLICANT_STATUS[e.status].text,
      zoneName: this.zoneName(e.zone),
      members: e.members.map((m) => ({ name: names.get(m.member)!, weightedTotal: m.weightedTotal })),
      disagree: e.spread !== null && e.members.length > 1 && e.spread > wide,
    }));
    await this.pages.render(request, reply, 'staff/ranking', {
      title: `Ranking: ${round.name}`,
      round: { id: round.id, name: round.name, budgetPence: round.budgetPence, leftPence: round.budgetPence - round.committedPence, closesAt: round.closesAt },
      maxWeightedScore: ranking.maxWeightedScore,
      wideSpread: Math.round(wide * 100) / 100,
      rows,
      paged,
      noIndex: true,
    });
  }

  @PageGet('applications/:id', STAFF)
  async application(@Param('id') id: string, @Query('done') done: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.decidable(id);
    await this.show(request, reply, doc, round, blankAward(doc, round), '', [], 200, done === 'awarded' ? 'The grant is awarded.' : done === 'declined' ? 'The application is declined. The applicant can read your feedback.' : null);
  }

  @PagePost('applications/:id/award', STAFF)
  async award(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.decidable(id);
    const form: AwardForm = {
      amount: textOf(body, 'amount'),
      tranches: Array.from({ length: TRANCHE_ROWS }, (_, i) => ({ amount: textOf(body, `tranche-${i + 1}-amount`), due: typedMoment(body, `tranche-${i + 1}-due`) })),
      conditions: textOf(body, 'conditions'),
      note: textOf(body, 'note'),
    };
    const errors: FieldError[] = [];
    const amount = penceOf(form.amount);
    if (form.amount === '') errors.push({ field: 'amount', text: 'Enter the amount to award' });
    else if (amount === null || amount <= 0) errors.push({ field: 'amount', text: 'The amount must be an amount of money, like £3,000' });
    else if (amount > doc.requestedPence) errors.push({ field: 'amount', text: `The amount must not be more than the ${pounds(doc.requestedPence)} asked for` });
    else if (round.maxAwardPence !== null && amount > round.maxAwardPence) errors.push({ field: 'amount', text: `The amount must not be more than the round’s largest award, ${pounds(round.maxAwardPence)}` });
    const tranches: { amountPence: number; dueOn: string }[] = [];
    form.tranches.forEach((t, i) => {
      const n = i + 1;
      const dateTyped = t.due.day !== '' || t.due.month !== '' || t.due.year !== '';
      if (t.amount === '' && !dateTyped) return;
      const trancheAmount = penceOf(t.amount);
      if (trancheAmount === null || trancheAmount <= 0) errors.push({ field: `tranche-${n}-amount`, text: `Enter the amount of payment ${n}, like £1,500` });
      const dueOn = calendarDate(t.due);
      if (!dueOn) errors.push({ field: `tranche-${n}-due-day`, text: `Enter the date payment ${n} is due, like 1 10 2026` });
      else if (tranches.length > 0 && dueOn < tranches[tranches.length - 1].dueOn) errors.push({ field: `tranche-${n}-due-day`, text: `Payment ${n} must be due on or after payment ${n - 1}` });
      if (trancheAmount && dueOn) tranches.push({ amountPence: trancheAmount, dueOn });
    });
    const trancheTotal = tranches.reduce((sum, t) => sum + t.amountPence, 0);
    if (tranches.length > 0 && amount !== null && amount > 0 && !errors.some((e) => e.field.startsWith('tranche')) && trancheTotal !== amount) {
      errors.push({ field: 'tranche-1-amount', text: `The payments add up to ${pounds(trancheTotal)}: they must add up to the amount awarded, ${pounds(amount)}` });
    }
    const conditions = form.conditions.split(/[\r\n,]+/).map((c) => c.trim()).filter((c) => c !== '');
    if (conditions.some((c) => !CONDITION_KEY.test(c)) || conditions.length > 20) errors.push({ field: 'conditions', text: 'Each extra condition must be a short key of lower-case letters, digits and hyphens, like quarterly-photos, one on each line' });
    if (form.note.length > 2000) errors.push({ field: 'note', text: 'The note must be 2000 characters or fewer' });
    if (errors.length > 0) return this.show(request, reply, doc, round, form, '', errors, 400);

    try {
      const { position } = await this.commands.execute(
        new AwardGrantCommand({ applicationId: doc.id, amountPence: amount!, ...(tranches.length > 0 ? { tranches } : {}), ...(conditions.length > 0 ? { conditions } : {}), ...(form.note ? { note: form.note } : {}) }, ctx),
      );
      await this.readModels.waitFor(position);
    } catch (error) {
      const refusal = await this.refusal(error, doc.id, 'amount');
      return this.show(request, reply, refusal.doc, refusal.round, form, '', refusal.errors, refusal.status);
    }
    await this.pages.redirect(reply, `/staff/applications/${doc.id}?done=awarded`);
  }

  @PagePost('applications/:id/decline', STAFF)
  async decline(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.decidable(id);
    const feedback = textOf(body, 'feedback');
    const problem = feedback === '' ? 'Enter feedback for the applicant: they are owed a reason' : feedback.length > 5000 ? 'The feedback must be 5000 characters or fewer' : null;
    if (problem) return this.show(request, reply, doc, round, blankAward(doc, round), feedback, [{ field: 'feedback', text: problem }], 400);
    try {
      const { position } = await this.commands.execute(new DeclineApplicationCommand({ applicationId: doc.id, feedback }, ctx));
      await this.readModels.waitFor(position);
    } catch (error) {
      const refusal = await this.refusal(error, doc.id, 'feedback');
      return this.show(request, reply, refusal.doc, refusal.round, blankAward(refusal.doc, refusal.round), feedback, refusal.errors, refusal.status);
    }
    await this.pages.redirect(reply, `/staff/applications/${doc.id}?done=declined`);
  }

  /** A use case's refusal, in words for the form, with the application and round as they are now. */
  private async refusal(error: unknown, id: string, field: string): Promise<{ doc: ApplicationDoc; round: RoundView; errors: FieldError[]; status: number }> {
    if (!(error instanceof DomainError) || (error.kind !== 'conflict' && error.kind !== 'invalid')) throw error;
    const { doc, round } = await this.decidable(id);
    const left = round.budgetPence - round.committedPence;
    const texts =
      error instanceof InvalidCommand
        ? error.problems
        : [
            /^Over budget/.test(error.message)
              ? `This is more than the round has left: ${pounds(left)} is left of its ${pounds(round.budgetPence)} budget. Award less, or decline.`
              : /already been decided/.test(error.message)
                ? `This application has already been decided (${APPLICANT_STATUS[doc.status].text.toLowerCase()}), so nothing was changed.`
                : error.message,
          ];
    return { doc, round, errors: texts.map((text) => ({ field, text })), status: error.kind === 'invalid' ? 400 : 409 };
  }

  private async decidable(id: string): Promise<{ doc: ApplicationDoc; round: RoundView }> {
    const doc = UUID.test(id) ? await this.applications.doc(id) : undefined;
    // A draft is its organisation's own work in progress: staff decide what was sent.
    if (!doc || doc.status === 'draft') throw new NotFoundException();
    const round = await this.applications.round(doc.roundId);
    if (!round) throw new NotFoundException();
    return { doc, round };
  }

  private async show(
    request: FastifyRequest,
    reply: FastifyReply,
    doc: ApplicationDoc,
    round: RoundView,
    form: AwardForm,
    feedback: string,
    errors: FieldError[],
    status = 200,
    done: string | null = null,
  ) {
    const now = new Date().toISOString();
    const roundStatus = roundStatusAt(round, now);
    const organisation = await this.identity.organisation(doc.org);
    const names = await this.memberNames(Object.keys(doc.scores));
    const members = Object.entries(doc.scores)
      .map(([member, s]) => ({ name: names.get(member)!, weightedTotal: s.weightedTotal, comment: s.comment }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const totals = members.map((m) => m.weightedTotal);
    const leftPence = round.budgetPence - round.committedPence;
    const typed = penceOf(form.amount);
    const afterPence = leftPence - (typed ?? doc.requestedPence);
    const view = await this.applications.present(doc, request.visitor!.user, now);
    const acceptedBy = doc.acceptedBy ? await this.identity.account(doc.acceptedBy) : undefined;
    // An operator's token may act for the group without an account behind it: then it was "a member of the group".
    const acceptance = doc.acceptedAt ? { by: acceptedBy ? ((await this.identity.emailOf(acceptedBy)) ?? 'someone whose details were erased') : 'a member of the group', at: doc.acceptedAt } : null;
    await this.pages.render(
      request,
      reply,
      'staff/application',
      {
        title: doc.title,
        application: { ...view, zoneName: this.zoneName(doc.zone), organisationName: organisation?.name ?? null, statusText: APPLICANT_STATUS[doc.status].text, awardNote: doc.awardNote, conflicts: doc.conflicts.length },
        round: { id: round.id, name: round.name, budgetPence: round.budgetPence, maxAwardPence: round.maxAwardPence, closesAt: round.closesAt, status: roundStatus },
        maxWeightedScore: round.criteria.reduce((sum, k) => sum + k.weight * 5, 0),
        members,
        mean: totals.length ? Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 100) / 100 : null,
        decidable: doc.status === 'submitted' && (roundStatus === 'closed' || roundStatus === 'cancelled'),
        mayAward: doc.status === 'submitted' && roundStatus === 'closed',
        leftPence,
        afterPence,
        afterAmountPence: typed ?? doc.requestedPence,
        acceptance,
        standardConditions: [BRANDING_CONDITION, `${STEERING_GROUP_CONDITION} (from ${pounds(STEERING_GROUP_THRESHOLD_PENCE)})`],
        form,
        feedback,
        done,
        errors,
        noIndex: true,
      },
      status,
    );
  }

  /** Panel members by their email address, for staff; someone erased is named as such. */
  private async memberNames(ids: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      const account = await this.identity.account(id);
      names.set(id, (account && (await this.identity.emailOf(account))) ?? `A panel member (${id.slice(0, 8)})`);
    }
    return names;
  }

  private zoneName(id: string): string {
    return this.zones.zones.find((z) => z.id === id)?.name ?? id;
  }
}

/** The form as it starts: the amount asked for, or the round's largest award when that is less. */
function blankAward(doc: ApplicationDoc, round: RoundView): AwardForm {
  const empty = { day: '', month: '', year: '', time: '' };
  return { amount: poundsField(Math.min(doc.requestedPence, round.maxAwardPence ?? doc.requestedPence)), tranches: Array.from({ length: TRANCHE_ROWS }, () => ({ amount: '', due: { ...empty } })), conditions: '', note: '' };
}

/** A typed day, month and year as `YYYY-MM-DD` (a UK calendar day), or null. */
function calendarDate(typed: TypedMoment): string | null {
  const [day, month, year] = [typed.day, typed.month, typed.year].map((v) => (/^\d{1,4}$/.test(v) ? Number(v) : Number.NaN));
  const date = DateTime.fromObject({ year, month, day }, { zone: SERVICE_ZONE });
  return date.isValid && year >= 2000 && year <= 2100 ? date.toISODate() : null;
}

