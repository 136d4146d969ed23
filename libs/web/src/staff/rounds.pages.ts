import { Body, Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationsQueries } from '@pz/applications';
import { GrantRoleCommand, IdentityQueries } from '@pz/identity';
import { CommandContext, Ctx, entityIdFor, ReadModels } from '@pz/platform';
import { DomainError, InvalidCommand } from '@pz/platform/domain';
import {
  CancelRoundCommand,
  Criterion,
  DEFAULT_CRITERIA,
  financialYearOf,
  RescheduleRoundCommand,
  roundStatusAt,
  RoundView,
  RoundsQueries,
  ScheduleRoundCommand,
  SetRoundPanelCommand,
  ZonesCatalogue,
} from '@pz/rounds';
import { emailProblem } from '../account/email-field';
import { FormFields, listOf, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { Visitors } from '../shell/visitors';
import { instantOf, momentOf, penceOf, TypedMoment, typedMoment } from './uk-form-fields';

const STAFF = ['staff'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows for criteria on the scheduling form: the five defaults and room for one more. */
const CRITERIA_ROWS = 6;
const STATUS_TEXT = { scheduled: 'Coming up', open: 'Open', closed: 'Closed', cancelled: 'Cancelled' } as const;

interface ScheduleForm {
  name: string;
  kind: string;
  zones: string[];
  themes: string;
  opens: TypedMoment;
  closes: TypedMoment;
  budget: string;
  maxAward: string;
  criteria: { title: string; weight: string }[];
}

interface RoundForms {
  opens: TypedMoment;
  closes: TypedMoment;
  cancelReason: string;
  email: string;
}

/**
 * Staff run rounds (web.md): the list of rounds is the staff home; schedule one with its own
 * criteria and weights, move its dates, cancel it, and choose its panel by email address. Each
 * form carries the round's revision, so a change someone else made meanwhile is a 409 page.
 */
@Controller('staff')
export class RoundsPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly rounds: RoundsQueries,
    private readonly applications: ApplicationsQueries,
    private readonly identity: IdentityQueries,
    private readonly zones: ZonesCatalogue,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', STAFF)
  async home(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const now = new Date().toISOString();
    const rounds = (await this.rounds.views())
      .sort((a, b) => b.opensAt.localeCompare(a.opensAt) || a.id.localeCompare(b.id))
      .map((r) => ({ ...r, statusText: STATUS_TEXT[roundStatusAt(r, now)], leftPence: r.budgetPence - r.committedPence }));
    // Funded, but nobody from the group has accepted the offer and its conditions yet: the longest waiting first.
    const names = new Map(rounds.map((r) => [r.id, r.name]));
    const notAccepted = (await this.applications.all())
      .filter((d) => d.status === 'awarded' && !d.acceptedAt)
      .sort((a, b) => (a.awardedAt ?? '').localeCompare(b.awardedAt ?? '') || a.id.localeCompare(b.id))
      .map((d) => ({ id: d.id, title: d.title, round: names.get(d.roundId) ?? '', awardedPence: d.awardedPence, awardedAt: d.awardedAt }));
    await this.pages.render(request, reply, 'staff/rounds', { title: 'Rounds', rounds, notAccepted, noIndex: true });
  }

  @PageGet('rounds/new', STAFF)
  async newRound(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const saved = await this.visitors.restoredForm(request);
    const values = saved ? scheduleFormOf(saved) : this.blankSchedule();
    await this.showSchedule(request, reply, values, []);
  }

  @PagePost('rounds/new', STAFF)
  async schedule(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const values = scheduleFormOf(body);
    const errors: FieldError[] = [];
    if (values.name === '') errors.push({ field: 'name', text: 'Enter the name of the round' });
    else if (values.name.length > 200) errors.push({ field: 'name', text: 'The name must be 200 characters or fewer' });
    if (values.kind !== 'standard' && values.kind !== 'collaborative') errors.push({ field: 'kind', text: 'Select the kind of round' });
    const known = this.zones.ids();
    if (values.zones.length === 0 || values.zones.some((z) => !known.includes(z))) errors.push({ field: 'zones', text: 'Select the People Zones the round is for' });
    const themes = linesOf(values.themes);
    if (themes.length === 0) errors.push({ field: 'themes', text: 'Enter at least one theme, one on each line' });
    else if (themes.some((t) => t.length > 100)) errors.push({ field: 'themes', text: 'Each theme must be 100 characters or fewer' });
    else if (themes.length > 50) errors.push({ field: 'themes', text: 'Enter 50 themes or fewer' });
    const opens = instantOf(values.opens, 'the opening date');
    if ('problem' in opens) errors.push({ field: `opens-${opens.part}`, text: opens.problem });
    const closes = instantOf(values.closes, 'the closing date');
    if ('problem' in closes) errors.push({ field: `closes-${closes.part}`, text: closes.problem });
    if ('iso' in opens && 'iso' in closes && closes.iso <= opens.iso) errors.push({ field: 'closes-day', text: 'The closing date must be after the opening date' });
    const budget = penceOf(values.budget);
    if (values.budget === '') errors.push({ field: 'budget', text: 'Enter the budget for the round' });
    else if (budget === null || budget <= 0) errors.push({ field: 'budget', text: 'The budget must be an amount of money, like £40,000' });
    const maxAward = values.maxAward === '' ? undefined : penceOf(values.maxAward);
    if (maxAward === null || maxAward === 0) errors.push({ field: 'maxAward', text: 'The largest award must be an amount of money, like £10,000' });
    else if (maxAward !== undefined && budget !== null && maxAward > budget) errors.push({ field: 'maxAward', text: 'The largest award must not be more than the budget' });
    const criteria = criteriaOf(values, errors);
    if (errors.length > 0) return this.showSchedule(request, reply, values, errors, 400);

    const opensAt = (opens as { iso: string }).iso;
    try {
      const { roundId, position } = await this.commands.execute(
        new ScheduleRoundCommand(
          {
            roundId: entityIdFor(ctx, 'round'),
            name: values.name,
            financialYear: financialYearOf(Date.parse(opensAt)),
            kind: values.kind as 'standard' | 'collaborative',
            zones: values.zones,
            themes,
            opensAt,
            closesAt: (closes as { iso: string }).iso,
            budgetPence: budget!,
            ...(typeof maxAward === 'number' ? { maxAwardPence: maxAward } : {}),
            criteria,
          },
          ctx,
        ),
      );
      await this.readModels.waitFor(position);
      await this.pages.redirect(reply, `/staff/rounds/${roundId}`);
    } catch (error) {
      if (!(error instanceof InvalidCommand)) throw error;
      return this.showSchedule(request, reply, values, error.problems.map((p) => ({ field: scheduleFieldOf(p), text: p })), 400);
    }
  }

  @PageGet('rounds/:id', STAFF)
  async round(@Param('id') id: string, @Query('done') done: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.roundOr404(id);
    await this.showRound(request, reply, round, { opens: momentOf(round.opensAt), closes: momentOf(round.closesAt), cancelReason: '', email: '' }, [], 200, DONE[done ?? ''] ?? null);
  }

  @PagePost('rounds/:id/reschedule', STAFF)
  async reschedule(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.roundOr404(id);
    const forms = { ...this.formsOf(round), opens: typedMoment(body, 'opens'), closes: typedMoment(body, 'closes') };
    const errors: FieldError[] = [];
    const opens = instantOf(forms.opens, 'the opening date');
    if ('problem' in opens) errors.push({ field: `opens-${opens.part}`, text: opens.problem });
    const closes = instantOf(forms.closes, 'the closing date');
    if ('problem' in closes) errors.push({ field: `closes-${closes.part}`, text: closes.problem });
    if (errors.length > 0) return this.showRound(request, reply, round, forms, errors, 400);
    const change = {
      ...((opens as { iso: string }).iso !== round.opensAt ? { opensAt: (opens as { iso: string }).iso } : {}),
      ...((closes as { iso: string }).iso !== round.closesAt ? { closesAt: (closes as { iso: string }).iso } : {}),
    };
    if (Object.keys(change).length === 0) return this.showRound(request, reply, round, forms, [{ field: 'opens-day', text: 'Change the opening or closing date, or both' }], 400);
    const refused = await this.attempt(() => this.commands.execute(new RescheduleRoundCommand({ roundId: round.id, ...change }, ctx, revisionOf(body))), (p) => (/closesAt/.test(p) ? 'closes-day' : 'opens-day'));
    if (refused) return this.showRound(request, reply, refused.round ?? round, forms, refused.errors, refused.status);
    await this.pages.redirect(reply, `/staff/rounds/${round.id}?done=rescheduled`);
  }

  @PagePost('rounds/:id/cancel', STAFF)
  async cancel(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.roundOr404(id);
    const forms = { ...this.formsOf(round), cancelReason: textOf(body, 'reason') };
    if (forms.cancelReason === '' || forms.cancelReason.length > 2000) {
      const text = forms.cancelReason === '' ? 'Enter why the round is being cancelled: applicants and subscribers are told' : 'The reason must be 2000 characters or fewer';
      return this.showRound(request, reply, round, forms, [{ field: 'reason', text }], 400);
    }
    const refused = await this.attempt(() => this.commands.execute(new CancelRoundCommand({ roundId: round.id, reason: forms.cancelReason }, ctx, revisionOf(body))), () => 'reason');
    if (refused) return this.showRound(request, reply, refused.round ?? round, forms, refused.errors, refused.status);
    await this.pages.redirect(reply, `/staff/rounds/${round.id}?done=cancelled`);
  }

  @PagePost('rounds/:id/panel', STAFF)
  async addMember(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.roundOr404(id);
    const forms = { ...this.formsOf(round), email: textOf(body, 'email') };
    const problem = emailProblem(forms.email);
    if (problem) return this.showRound(request, reply, round, forms, [{ field: 'email', text: problem.replace('your email', 'their email') }], 400);
    // Stale before anything is written: the role is not granted for a form someone else overtook.
    if (revisionOf(body) !== round.revision) return this.showRound(request, reply, round, forms, [{ field: 'email', text: STALE }], 409);
    const granted = await this.commands.execute(new GrantRoleCommand({ email: forms.email, role: 'panel', zone: null, roundId: round.id, reason: `Joined the panel of ${round.name}` }, ctx));
    const members = round.panel.includes(granted.personId) ? round.panel : [...round.panel, granted.personId];
    const refused = await this.attempt(() => this.commands.execute(new SetRoundPanelCommand({ roundId: round.id, members }, ctx, round.revision)), () => 'email');
    await this.readModels.waitFor(granted.position);
    if (refused) return this.showRound(request, reply, refused.round ?? round, forms, refused.errors, refused.status);
    await this.pages.redirect(reply, `/staff/rounds/${round.id}?done=panel`);
  }

  @PagePost('rounds/:id/panel/remove', STAFF)
  async removeMember(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const round = await this.roundOr404(id);
    const member = textOf(body, 'member');
    if (!round.panel.includes(member)) throw new NotFoundException();
    const refused = await this.attempt(() => this.commands.execute(new SetRoundPanelCommand({ roundId: round.id, members: round.panel.filter((m) => m !== member) }, ctx, revisionOf(body))), () => 'email');
    if (refused) return this.showRound(request, reply, refused.round ?? round, this.formsOf(round), refused.errors, refused.status);
    await this.pages.redirect(reply, `/staff/rounds/${round.id}?done=panel-removed`);
  }

  /**
   * Runs a round command; a refusal the person can act on (a rule, a stale form) comes back as
   * errors for the page, with the round as it is now. Anything else is the error page's.
   */
  private async attempt(
    run: () => Promise<{ position: number }>,
    fieldOf: (problem: string) => string,
  ): Promise<{ errors: FieldError[]; status: number; round?: RoundView } | null> {
    try {
      const { position } = await run();
      await this.readModels.waitFor(position);
      return null;
    } catch (error) {
      if (error instanceof InvalidCommand) return { errors: error.problems.map((p) => ({ field: fieldOf(p), text: plainRoundProblem(p) })), status: 400 };
      if (error instanceof DomainError && error.kind === 'conflict') {
        const stale = /changed since you last loaded it/.test(error.message);
        return { errors: [{ field: fieldOf(error.message), text: stale ? STALE : error.message }], status: 409 };
      }
      throw error;
    }
  }

  private async roundOr404(id: string): Promise<RoundView> {
    const round = UUID.test(id) ? await this.rounds.view(id) : undefined;
    if (!round) throw new NotFoundException();
    return round;
  }

  private formsOf(round: RoundView): RoundForms {
    return { opens: momentOf(round.opensAt), closes: momentOf(round.closesAt), cancelReason: '', email: '' };
  }

  private async showRound(request: FastifyRequest, reply: FastifyReply, round: RoundView, forms: RoundForms, errors: FieldError[], status = 200, done: string | null = null) {
    const now = new Date().toISOString();
    const statusNow = roundStatusAt(round, now);
    const panel = await Promise.all(
      round.panel.map(async (personId) => {
        const account = await this.identity.account(personId);
        return { personId, email: (account && (await this.identity.emailOf(account))) ?? 'Someone whose details were erased' };
      }),
    );
    await this.pages.render(
      request,
      reply,
      'staff/round',
      {
        title: round.name,
        round: { ...round, zoneNames: round.zones.map((z) => this.zones.zones.find((k) => k.id === z)?.name ?? z), leftPence: round.budgetPence - round.committedPence },
        statusNow,
        statusText: STATUS_TEXT[statusNow],
        totalWeight: round.criteria.reduce((sum, k) => sum + k.weight, 0),
        panel,
        forms,
        done,
        errors,
        noIndex: true,
      },
      status,
    );
  }

  private blankSchedule(): ScheduleForm {
    const themes = [...new Set(this.zones.zones.flatMap((z) => z.themes))];
    return {
      name: '',
      kind: 'standard',
      zones: [],
      themes: themes.join('\n'),
      opens: { day: '', month: '', year: '', time: '9am' },
      closes: { day: '', month: '', year: '', time: '5pm' },
      budget: '',
      maxAward: '',
      criteria: padCriteria(DEFAULT_CRITERIA.map((k) => ({ title: k.title, weight: String(k.weight) }))),
    };
  }

  private async showSchedule(request: FastifyRequest, reply: FastifyReply, values: ScheduleForm, errors: FieldError[], status = 200) {
    const zones = this.zones.zones.map((z) => ({ value: z.id, text: z.name, hint: { text: z.area }, checked: values.zones.includes(z.id) }));
    await this.pages.render(request, reply, 'staff/round-new', { title: 'Schedule a round', values, zones, errors, noIndex: true }, status);
  }
}

const STALE = 'Someone else changed this round while you were looking at it, so nothing was saved. Check the page as it is now and try again.';

const DONE: Record<string, string> = {
  rescheduled: 'The round’s dates are changed. Subscribers’ alerts move with them.',
  cancelled: 'The round is cancelled.',
  panel: 'They are on the panel now. We have emailed them how to sign in.',
  'panel-removed': 'They are no longer on this round’s panel.',
};

function revisionOf(body: FormFields): number {
  const typed = textOf(body, 'revision');
  // A form without a revision cannot say what it was based on: treat it as out of date.
  return /^\d{1,9}$/.test(typed) ? Number(typed) : -1;
}

function linesOf(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''))];
}

function padCriteria(rows: { title: string; weight: string }[]): { title: string; weight: string }[] {
  return [...rows, ...Array.from({ length: Math.max(0, CRITERIA_ROWS - rows.length) }, () => ({ title: '', weight: '' }))].slice(0, CRITERIA_ROWS);
}

function scheduleFormOf(body: FormFields): ScheduleForm {
  return {
    name: textOf(body, 'name'),
    kind: textOf(body, 'kind'),
    zones: listOf(body, 'zones'),
    themes: textOf(body, 'themes'),
    opens: typedMoment(body, 'opens'),
    closes: typedMoment(body, 'closes'),
    budget: textOf(body, 'budget'),
    maxAward: textOf(body, 'maxAward'),
    criteria: Array.from({ length: CRITERIA_ROWS }, (_, i) => ({ title: textOf(body, `criterion-${i + 1}-title`), weight: textOf(body, `criterion-${i + 1}-weight`) })),
  };
}

/** The criteria rows that are filled in, each with a key made from its title; problems named by row. */
function criteriaOf(values: ScheduleForm, errors: FieldError[]): Criterion[] {
  const criteria: Criterion[] = [];
  values.criteria.forEach((row, i) => {
    const n = i + 1;
    if (row.title === '' && row.weight === '') return;
    if (row.title === '') errors.push({ field: `criterion-${n}-title`, text: `Enter what criterion ${n} is, or clear its weight` });
    else if (row.title.length > 200) errors.push({ field: `criterion-${n}-title`, text: `Criterion ${n} must be 200 characters or fewer` });
    const weight = /^\d{1,2}$/.test(row.weight) ? Number(row.weight) : Number.NaN;
    if (!(weight >= 1 && weight <= 10)) errors.push({ field: `criterion-${n}-weight`, text: `The weight of criterion ${n} must be a whole number from 1 to 10` });
    const key = keyOf(row.title);
    if (row.title !== '' && criteria.some((k) => k.key === key)) errors.push({ field: `criterion-${n}-title`, text: `Criterion ${n} has the same name as another` });
    criteria.push({ key, title: row.title, weight });
  });
  if (criteria.length === 0) errors.push({ field: 'criterion-1-title', text: 'Enter at least one criterion the panel scores' });
  return criteria;
}

/** A criterion's key (how scores name it) from its title: "Value for money" -> "value-for-money". */
function keyOf(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  const key = /^[a-z]/.test(slug) ? slug : `c-${slug}`.replace(/-+$/, '');
  return key === 'constructor' || key === 'prototype' ? `${key}-score` : key;
}

function scheduleFieldOf(problem: string): string {
  if (problem.startsWith('name')) return 'name';
  if (problem.startsWith('zones')) return 'zones';
  if (problem.startsWith('themes')) return 'themes';
  if (problem.startsWith('closesAt')) return 'closes-day';
  if (problem.startsWith('opensAt') || problem.startsWith('financialYear')) return 'opens-day';
  if (problem.startsWith('budgetPence')) return 'budget';
  if (problem.startsWith('maxAwardPence')) return 'maxAward';
  return 'criterion-1-title';
}

/** The round's rules speak of fields; staff read dates. */
function plainRoundProblem(problem: string): string {
  return problem
    .replace('opensAt cannot change once the round is open', 'The opening date cannot change once the round is open')
    .replace('closesAt must be in the future while the round is open', 'The closing date must be in the future while the round is open')
    .replace('closesAt can only move later once the round is open', 'The closing date can only move later once the round is open')
    .replace('opensAt must be in the future', 'The opening date must be in the future')
    .replace('closesAt must be after opensAt', 'The closing date must be after the opening date')
    .replace(/^opensAt must fall within the financial year (\S+).*$/, 'The opening date must stay in the financial year $1 (1 April to 31 March)');
}

