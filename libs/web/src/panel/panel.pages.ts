import { Body, Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationDoc, ApplicationsQueries, DeclareConflictCommand, ScoreApplicationCommand, SCORE_MAX, SCORE_MIN } from '@pz/applications';
import { IdentityQueries } from '@pz/identity';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { DomainError, InvalidCommand } from '@pz/platform/domain';
import { roundStatusAt, RoundsQueries, RoundView, ZonesCatalogue } from '@pz/rounds';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor } from '../shell/visitors';

const PANEL = ['panel'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMMENT_MAX = 5000;
const REASON_MAX = 2000;

/** What a member typed on the scoring form: each criterion's choice, as sent, and their comment. */
interface ScoreForm {
  scores: Record<string, string>;
  comment: string;
}

/**
 * The panel's pages (web.md): the rounds a resident sits on and what is left to score, each
 * application to read, a conflict to declare, and scores to give and revise until the decision.
 * Scoring is blind: a member sees only their own scores, never another member's or the mean.
 * Every rule (who may see a bid, what a score is) is the applications' own: these pages only ask.
 */
@Controller('panel')
export class PanelPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly applications: ApplicationsQueries,
    private readonly rounds: RoundsQueries,
    private readonly identity: IdentityQueries,
    private readonly zones: ZonesCatalogue,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', PANEL)
  async home(@SignedInVisitor() visitor: Visitor, @Query('conflict') conflict: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { user } = visitor;
    const now = new Date().toISOString();
    const rounds = (await this.rounds.views())
      .filter((r) => r.panel.includes(user.sub))
      .sort((a, b) => b.closesAt.localeCompare(a.closesAt));
    const docs = await this.applications.all();
    const sitting = [];
    for (const round of rounds) {
      const mine: ApplicationDoc[] = [];
      for (const doc of docs) if (doc.roundId === round.id && (await this.applications.panelMayReview(user, doc))) mine.push(doc);
      mine.sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
      const items = mine.map((doc) => {
        const own = doc.scores[user.sub];
        return {
          id: doc.id,
          title: doc.title,
          zone: this.zoneName(doc.zone),
          theme: doc.theme,
          decided: doc.status !== 'submitted',
          yourTotal: own?.weightedTotal ?? null,
        };
      });
      sitting.push({
        id: round.id,
        name: round.name,
        closesAt: round.closesAt,
        status: roundStatusAt(round, now),
        maxTotal: maxTotal(round),
        items,
        left: items.filter((i) => !i.decided && i.yourTotal === null).length,
      });
    }
    await this.pages.render(request, reply, 'panel/panel', { title: 'Your panel', rounds: sitting, conflictDeclared: conflict === 'declared', noIndex: true });
  }

  @PageGet('applications/:id', PANEL)
  async application(@Param('id') id: string, @Query('saved') saved: string | undefined, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.reviewable(id, visitor);
    const own = doc.scores[visitor.user.sub];
    const form: ScoreForm = {
      scores: Object.fromEntries(round.criteria.map((k) => [k.key, own ? String(own.scores[k.key]) : ''])),
      comment: own?.comment ?? '',
    };
    await this.show(request, reply, doc, round, visitor, form, { conflictReason: '', saved: saved === '1' });
  }

  @PagePost('applications/:id/scores', PANEL)
  async score(@Param('id') id: string, @Body() body: FormFields, @SignedInVisitor() visitor: Visitor, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.reviewable(id, visitor);
    const form: ScoreForm = { scores: Object.fromEntries(round.criteria.map((k) => [k.key, textOf(body, `score-${k.key}`)])), comment: textOf(body, 'comment') };
    const errors: FieldError[] = [];
    const scores: Record<string, number> = {};
    for (const k of round.criteria) {
      const typed = form.scores[k.key];
      const value = Number(typed);
      if (typed === '') errors.push({ field: `score-${k.key}`, text: `Select a score for ${k.title}` });
      else if (!/^\d$/.test(typed) || value < SCORE_MIN || value > SCORE_MAX) errors.push({ field: `score-${k.key}`, text: `The score for ${k.title} must be a whole number from ${SCORE_MIN} to ${SCORE_MAX}` });
      else scores[k.key] = value;
    }
    if (form.comment.length > COMMENT_MAX) errors.push({ field: 'comment', text: `Your comment must be ${COMMENT_MAX} characters or fewer` });
    if (errors.length > 0) return this.show(request, reply, doc, round, visitor, form, { conflictReason: '', errors }, 400);
    try {
      const { position } = await this.commands.execute(new ScoreApplicationCommand({ applicationId: doc.id, member: visitor.user.sub, memberOrg: visitor.user.org, scores, comment: form.comment }, ctx));
      await this.readModels.waitFor(position);
    } catch (error) {
      // Decided since the page was loaded: say so where the member is, and keep what they chose.
      if (error instanceof DomainError && error.kind === 'conflict') {
        const fresh = (await this.applications.doc(doc.id)) ?? doc;
        return this.show(request, reply, fresh, round, visitor, form, { conflictReason: '', errors: [{ field: 'scores', text: plainScoreRefusal(error.message) }] }, 409);
      }
      if (error instanceof InvalidCommand) {
        return this.show(request, reply, doc, round, visitor, form, { conflictReason: '', errors: error.problems.map((p) => ({ field: 'scores', text: p })) }, 400);
      }
      throw error;
    }
    await this.pages.redirect(reply, `/panel/applications/${doc.id}?saved=1`);
  }

  @PagePost('applications/:id/conflict', PANEL)
  async declareConflict(@Param('id') id: string, @Body() body: FormFields, @SignedInVisitor() visitor: Visitor, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, round } = await this.reviewable(id, visitor);
    const reason = textOf(body, 'reason');
    const problem = reason === '' ? 'Enter why you have a conflict of interest, for example “I am a trustee of this group”' : reason.length > REASON_MAX ? `The reason must be ${REASON_MAX} characters or fewer` : null;
    if (problem) {
      const own = doc.scores[visitor.user.sub];
      const form: ScoreForm = { scores: Object.fromEntries(round.criteria.map((k) => [k.key, own ? String(own.scores[k.key]) : ''])), comment: own?.comment ?? '' };
      return this.show(request, reply, doc, round, visitor, form, { conflictReason: reason, errors: [{ field: 'reason', text: problem }] }, 400);
    }
    const { position } = await this.commands.execute(new DeclareConflictCommand({ applicationId: doc.id, member: visitor.user.sub, reason }, ctx));
    await this.readModels.waitFor(position);
    // From now on the application is not theirs to see: back to the list.
    await this.pages.redirect(reply, '/panel?conflict=declared');
  }

  /** The application and its round, when this member may review it; anything else is not found, and says nothing. */
  private async reviewable(id: string, visitor: Visitor): Promise<{ doc: ApplicationDoc; round: RoundView }> {
    const doc = UUID.test(id) ? await this.applications.doc(id) : undefined;
    if (!doc || !(await this.applications.panelMayReview(visitor.user, doc))) throw new NotFoundException();
    const round = await this.applications.round(doc.roundId);
    if (!round) throw new NotFoundException();
    return { doc, round };
  }

  private async show(
    request: FastifyRequest,
    reply: FastifyReply,
    doc: ApplicationDoc,
    round: RoundView,
    visitor: Visitor,
    form: ScoreForm,
    extra: { conflictReason: string; saved?: boolean; errors?: FieldError[] },
    status = 200,
  ) {
    const own = doc.scores[visitor.user.sub];
    const organisation = await this.identity.organisation(doc.org);
    const criteria = round.criteria.map((k) => ({
      ...k,
      items: Array.from({ length: SCORE_MAX - SCORE_MIN + 1 }, (_, i) => {
        const value = String(SCORE_MIN + i);
        return { value, text: value, checked: form.scores[k.key] === value };
      }),
      yours: own ? own.scores[k.key] : null,
    }));
    await this.pages.render(
      request,
      reply,
      'panel/application',
      {
        title: doc.title,
        application: { ...doc, zoneName: this.zoneName(doc.zone), organisationName: organisation?.name ?? null },
        round: { id: round.id, name: round.name, maxTotal: maxTotal(round) },
        criteria,
        scorable: doc.status === 'submitted',
        yourTotal: own?.weightedTotal ?? null,
        yourScoredAt: own?.at ?? null,
        form,
        conflictReason: extra.conflictReason,
        saved: extra.saved ?? false,
        errors: extra.errors ?? [],
        noIndex: true,
      },
      status,
    );
  }

  private zoneName(id: string): string {
    return this.zones.zones.find((z) => z.id === id)?.name ?? id;
  }
}

function maxTotal(round: Pick<RoundView, 'criteria'>): number {
  return round.criteria.reduce((sum, k) => sum + k.weight * SCORE_MAX, 0);
}

function plainScoreRefusal(message: string): string {
  return /decision/.test(message) ? 'A decision has been made on this application, so scores can no longer change' : message;
}
