import { Body, Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationDoc, ApplicationsQueries, ApproveCaseStudyCommand, ITEM_LABELS, RateGrantCommand } from '@pz/applications';
import { IdentityQueries } from '@pz/identity';
import { RagBoard, RagBoardEntry } from '@pz/monitoring';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import { ChartRenderer } from '../shell/charts';
import { filteredPageOf } from '../shell/filtered-pages';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { Visitors } from '../shell/visitors';

const STAFF = ['staff'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GRANTS_PER_PAGE = 50;
const LONGEST = 2000;

export const RATINGS = [
  { value: 'red', text: 'Red', colour: 'red', hex: '#d4351c' },
  { value: 'amber', text: 'Amber', colour: 'orange', hex: '#f47738' },
  { value: 'green', text: 'Green', colour: 'green', hex: '#00703c' },
] as const;
const OVERDUE = [
  { value: 'any', text: 'Anything overdue' },
  { value: 'check-in', text: 'First-month check-in overdue' },
  { value: 'return', text: 'Quarterly return overdue' },
  { value: 'case-study', text: 'Case study overdue' },
] as const;

interface RatingForm {
  rating: string;
  reason: string;
  message: string;
}

export interface BoardFilters {
  zone: string;
  rating: string;
  overdue: string;
}

/** The board's rows a filter keeps, in the board's own order (worst first). */
export function filterBoard(entries: readonly RagBoardEntry[], f: BoardFilters): RagBoardEntry[] {
  return entries.filter(
    (e) =>
      (!f.zone || e.zone === f.zone) &&
      (!f.rating || (e.rag ?? 'green') === f.rating) &&
      (!f.overdue || (f.overdue === 'any' ? e.overdue.length > 0 : e.overdue.some((o) => o.kind === f.overdue))),
  );
}

/**
 * The RAG board for staff (web.md): every live grant, filtered by zone, rating and what is
 * overdue, worst first, with a chart of the ratings by zone; and each grant's monitoring with a
 * form to set its rating through the monitoring use case.
 */
@Controller('staff/grants')
export class GrantsPages {
  constructor(
    private readonly board: RagBoard,
    private readonly applications: ApplicationsQueries,
    private readonly identity: IdentityQueries,
    private readonly zones: ZonesCatalogue,
    private readonly charts: ChartRenderer,
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', STAFF)
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: Record<string, string | undefined>) {
    const chosen: BoardFilters = { zone: (query.zone ?? '').trim(), rating: (query.rating ?? '').trim(), overdue: (query.overdue ?? '').trim() };
    const errors: FieldError[] = [];
    if (chosen.zone && !this.zones.ids().includes(chosen.zone)) errors.push({ field: 'zone', text: 'Choose a People Zone from the list' });
    if (chosen.rating && !RATINGS.some((r) => r.value === chosen.rating)) errors.push({ field: 'rating', text: 'Choose Red, Amber or Green' });
    if (chosen.overdue && !OVERDUE.some((o) => o.value === chosen.overdue)) errors.push({ field: 'overdue', text: 'Choose what is overdue from the list' });
    const filters = errors.length > 0 ? { zone: '', rating: '', overdue: '' } : chosen;

    const entries = await this.board.entries();
    const shown = filterBoard(entries, filters);
    const list = filteredPageOf(shown, query.page, '/staff/grants', { ...filters }, GRANTS_PER_PAGE);
    const rows = await Promise.all(list.items.map(async (e) => ({ ...e, orgName: await this.organisationName(e.org), zoneName: this.zoneName(e.zone), rating: ratingOf(e.rag) })));

    // The picture is of the whole board, whatever the filter: it changes only when a rating does.
    const zoneIds = [...new Set([...this.zones.ids(), ...entries.map((e) => e.zone)])].filter((z) => entries.some((e) => e.zone === z));
    const counts = zoneIds.map((zone) => ({
      zone: this.zoneName(zone),
      ...Object.fromEntries(RATINGS.map((r) => [r.value, entries.filter((e) => e.zone === zone && (e.rag ?? 'green') === r.value).length])),
    })) as Array<{ zone: string; red: number; amber: number; green: number }>;
    const chart = await this.charts.render(
      {
        title: 'Live grants by People Zone and rating',
        measure: 'Grants',
        category: 'People Zone',
        colours: Object.fromEntries(RATINGS.map((r) => [r.text, r.hex])),
        bars: counts.flatMap((c) => RATINGS.filter((r) => c[r.value] > 0).map((r) => ({ label: c.zone, value: c[r.value], part: r.text }))),
      },
      (n) => String(n),
    );

    const options = <T extends { value: string; text: string }>(items: readonly T[], value: string, all: string) => [
      { value: '', text: all },
      ...items.map((i) => ({ value: i.value, text: i.text, selected: i.value === value })),
    ];
    await this.pages.render(
      request,
      reply,
      'staff/grants',
      {
        title: 'Grants: RAG board',
        rows,
        list,
        total: entries.length,
        counts,
        chart: counts.length > 0 ? chart : null,
        filtered: Boolean(filters.zone || filters.rating || filters.overdue),
        zoneOptions: options(this.zones.zones.map((z) => ({ value: z.id, text: z.name })), chosen.zone, 'All People Zones'),
        ratingOptions: options(RATINGS, chosen.rating, 'Any rating'),
        overdueOptions: options(OVERDUE, chosen.overdue, 'Overdue or not'),
        errors,
        noIndex: true,
      },
      errors.length > 0 ? 400 : 200,
    );
  }

  @PageGet(':id', STAFF)
  async grant(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('rated') rated?: string, @Query('approved') approved?: string) {
    const doc = await this.funded(id);
    const saved = await this.visitors.restoredForm(request);
    const done = rated === 'yes' ? 'rated' : approved === 'yes' ? 'approved' : null;
    await this.show(request, reply, doc, { rating: textOf(saved, 'rating'), reason: textOf(saved, 'reason'), message: textOf(saved, 'message') }, [], 200, done);
  }

  @PagePost(':id/rating', STAFF)
  async rate(@Param('id') id: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const doc = await this.funded(id);
    const values: RatingForm = { rating: textOf(body, 'rating'), reason: textOf(body, 'reason'), message: textOf(body, 'message') };
    const errors: FieldError[] = [];
    if (doc.status !== 'awarded') errors.push({ field: 'rating', text: 'This grant is closed: its rating can no longer change' });
    else if (!RATINGS.some((r) => r.value === values.rating)) errors.push({ field: 'rating', text: 'Select Red, Amber or Green' });
    if (values.reason === '') errors.push({ field: 'reason', text: 'Enter why you are setting this rating: the history keeps it' });
    else if (values.reason.length > LONGEST) errors.push({ field: 'reason', text: `The reason must be ${LONGEST.toLocaleString('en-GB')} characters or fewer` });
    if (values.message.length > LONGEST) errors.push({ field: 'message', text: `The message must be ${LONGEST.toLocaleString('en-GB')} characters or fewer` });
    if (errors.length > 0) return this.show(request, reply, doc, values, errors, 400);

    const { position } = await this.commands.execute(
      new RateGrantCommand({ applicationId: doc.id, rating: values.rating as 'red' | 'amber' | 'green', reason: values.reason, message: values.message || null }, ctx),
    );
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/staff/grants/${doc.id}?rated=yes`);
  }

  /** Publishes a case study on /awards: the domain refuses one the group has not consented to. */
  @PagePost(':id/case-study/approve', STAFF)
  async approveCaseStudy(@Param('id') id: string, @Ctx() ctx: CommandContext, @Res() reply: FastifyReply) {
    const doc = await this.funded(id);
    const { position } = await this.commands.execute(new ApproveCaseStudyCommand({ applicationId: doc.id }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/staff/grants/${doc.id}?approved=yes`);
  }

  /** A grant, live or closed; anything else (a draft, a decline, an unknown id) is not one. */
  private async funded(id: string): Promise<ApplicationDoc> {
    const doc = UUID.test(id) ? await this.applications.doc(id) : undefined;
    if (!doc || (doc.status !== 'awarded' && doc.status !== 'closed')) throw new NotFoundException();
    return doc;
  }

  private async show(request: FastifyRequest, reply: FastifyReply, doc: ApplicationDoc, values: RatingForm, errors: FieldError[], status = 200, done: 'rated' | 'approved' | null = null) {
    const view = await this.applications.present(doc, request.visitor!.user);
    await this.pages.render(
      request,
      reply,
      'staff/grant',
      {
        title: doc.title,
        doc,
        schedule: (view.schedule ?? []).map((i) => ({ ...i, label: ITEM_LABELS[i.kind] })),
        orgName: await this.organisationName(doc.org),
        zoneName: this.zoneName(doc.zone),
        rating: ratingOf(doc.rag),
        ratingItems: RATINGS.map((r) => ({ value: r.value, text: r.text, checked: r.value === values.rating })),
        values,
        done,
        errors,
        backLink: { href: '/staff/grants', text: 'All grants' },
        noIndex: true,
      },
      status,
    );
  }

  private async organisationName(org: string): Promise<string> {
    return (await this.identity.organisation(org))?.name ?? org;
  }

  private zoneName(zone: string): string {
    return this.zones.zones.find((z) => z.id === zone)?.name ?? zone;
  }
}

function ratingOf(rag: string | null) {
  return RATINGS.find((r) => r.value === (rag ?? 'green'))!;
}
