import { Controller, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { ApplicationDoc, ApplicationsQueries, ApplicationView } from '@pz/applications';
import { AuditService } from '@pz/audit';
import { EVENT_STORE, EventStore, RecordedEvent } from '@pz/event-store';
import { IdentityQueries } from '@pz/identity';
import { AuthUser } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import { SERVICE_ZONE } from '@pz/platform/domain';
import { APPLICANT_STATUS } from '../applicant/status-names';
import { filteredPageOf } from '../shell/filtered-pages';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { historyRows } from './history';

const AUDITOR = ['auditor'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^(\d{1,2})[:.](\d{2})$/;

interface AtForm {
  day: string;
  month: string;
  year: string;
  time: string;
}

/**
 * Auditors check the record (web.md, `/auditor`): find any application, read its whole history
 * in order (who, when, what, why), see it as it stood at a chosen moment and as each panel member
 * saw it when they scored, verify the hash chain, and run a replay that compares every read model.
 * Everything here reads; the audit feature does the work (the same calls as `/audit/*`).
 */
@Controller('auditor')
export class AuditorPages {
  constructor(
    private readonly audit: AuditService,
    private readonly applications: ApplicationsQueries,
    private readonly identity: IdentityQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly zones: ZonesCatalogue,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', AUDITOR)
  async find(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('q') q?: string, @Query('page') page?: string) {
    const query = (q ?? '').trim();
    const words = query.toLowerCase();
    const all = (await this.applications.all())
      .filter((d) => words === '' || d.id.toLowerCase() === words || d.title.toLowerCase().includes(words) || d.org.toLowerCase() === words)
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id));
    const rounds = new Map<string, string>();
    for (const d of all) if (!rounds.has(d.roundId)) rounds.set(d.roundId, (await this.applications.round(d.roundId))?.name ?? d.roundId);
    const list = filteredPageOf(
      all.map((d) => ({ id: d.id, title: d.title, status: APPLICANT_STATUS[d.status], round: rounds.get(d.roundId)!, openedAt: d.openedAt })),
      page,
      '/auditor',
      { q: query },
    );
    await this.pages.render(request, reply, 'auditor/find', { title: 'Audit: find an application', q: query, list, noIndex: true });
  }

  @PageGet('applications/:id', AUDITOR)
  async history(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, events } = await this.found(id);
    const rows = historyRows(events, await this.namesOf(events));
    const members = [...new Set(events.filter((e) => e.type === 'ApplicationScored').map((e) => (e.data as { member: string }).member))];
    const now = DateTime.now().setZone(SERVICE_ZONE);
    const at: AtForm = { day: String(now.day), month: String(now.month), year: String(now.year), time: now.toFormat('HH:mm') };
    await this.pages.render(request, reply, 'auditor/history', {
      title: `History of ${doc.title}`,
      doc,
      status: APPLICANT_STATUS[doc.status],
      rows,
      scorers: members.length,
      at,
      backLink: { href: '/auditor', text: 'Find another application' },
      noIndex: true,
    });
  }

  /**
   * As it stood at a moment: either `at` (an exact instant, from a "just before this" link in the
   * history) or a UK date and time typed into the form.
   */
  @PageGet('applications/:id/state', AUDITOR)
  async stateAt(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string | undefined>,
  ) {
    const { doc, events } = await this.found(id);
    const form: AtForm = { day: (query.day ?? '').trim(), month: (query.month ?? '').trim(), year: (query.year ?? '').trim(), time: (query.time ?? '').trim() };
    let instant: string | null = null;
    const errors: FieldError[] = [];
    if (query.at !== undefined) {
      const parsed = /^\d{4}-\d{2}-\d{2}T/.test(query.at) ? Date.parse(query.at) : NaN;
      if (Number.isNaN(parsed)) errors.push({ field: 'at-day', text: 'Enter the date and time to see the application at' });
      else instant = new Date(parsed).toISOString();
      if (instant) {
        const uk = DateTime.fromISO(instant).setZone(SERVICE_ZONE);
        Object.assign(form, { day: String(uk.day), month: String(uk.month), year: String(uk.year), time: uk.toFormat('HH:mm') });
      }
    } else {
      const checked = ukInstant(form);
      errors.push(...checked.errors);
      instant = checked.instant;
    }
    if (errors.length > 0 || !instant) {
      return this.pages.render(request, reply, 'auditor/history', {
        title: `History of ${doc.title}`,
        doc,
        status: APPLICANT_STATUS[doc.status],
        rows: historyRows(events, await this.namesOf(events)),
        scorers: new Set(events.filter((e) => e.type === 'ApplicationScored').map((e) => (e.data as { member: string }).member)).size,
        at: form,
        errors,
        backLink: { href: '/auditor', text: 'Find another application' },
        noIndex: true,
      }, 400);
    }
    const then = await this.audit.applicationAt(doc.id, instant);
    const names = await this.namesOf(events);
    const view = then ? await this.applications.present(then, this.auditor(request), instant) : null;
    await this.pages.render(request, reply, 'auditor/state', {
      title: `${doc.title} as it stood then`,
      doc,
      at: instant,
      view,
      zoneName: view ? (this.zones.zones.find((z) => z.id === view.zone)?.name ?? view.zone) : null,
      status: view ? APPLICANT_STATUS[view.status] : null,
      scores: then ? Object.entries(then.scores).map(([member, s]) => ({ member: names(member) ?? member, ...s })) : [],
      backLink: { href: `/auditor/applications/${doc.id}`, text: 'Back to its history' },
      noIndex: true,
    });
  }

  /** What each panel member had in front of them each time they scored: the bid as the panel saw it, and only their own scores. */
  @PageGet('applications/:id/scoring', AUDITOR)
  async scoring(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { doc, events } = await this.found(id);
    const members = [...new Set(events.filter((e) => e.type === 'ApplicationScored').map((e) => (e.data as { member: string }).member))];
    const names = await this.namesOf(events);
    const panel = await Promise.all(
      members.map(async (member) => ({
        member: names(member) ?? member,
        views: await Promise.all(
          (await this.audit.scoringViews(doc.id, member)).map(async (v) => {
            const given = v.scoresGiven as { scores: Record<string, number>; weightedTotal: number; comment: string };
            const seen: ApplicationView | null = v.application ? await this.applications.present(v.application, asPanelMember(member), v.scoredAt) : null;
            return { scoredAt: v.scoredAt, position: v.position, scores: Object.entries(given.scores), weightedTotal: given.weightedTotal, comment: given.comment, seen };
          }),
        ),
      })),
    );
    await this.pages.render(request, reply, 'auditor/scoring', {
      title: `What the panel saw: ${doc.title}`,
      doc,
      panel,
      backLink: { href: `/auditor/applications/${doc.id}`, text: 'Back to its history' },
      noIndex: true,
    });
  }

  @PageGet('chain', AUDITOR)
  async chain(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'auditor/chain', { title: 'Check the hash chain', report: null, noIndex: true });
  }

  /** A POST because it reads the whole log: a button, not a link a crawler or a prefetch could follow. Nothing changes. */
  @PagePost('chain', AUDITOR)
  async verify(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const report = await this.audit.verify();
    const broken = report.brokenAt !== undefined ? (await this.store.readAll({ after: report.brokenAt - 1, maxCount: 1 }))[0] ?? null : null;
    await this.pages.render(request, reply, 'auditor/chain', {
      title: report.ok ? 'The hash chain is intact' : 'The hash chain is broken',
      report,
      broken: broken && { position: broken.position, streamId: broken.streamId, type: broken.type, recordedAt: broken.recordedAt, applicationId: applicationOf(broken) },
      checkedAt: new Date().toISOString(),
      noIndex: true,
    });
  }

  @PageGet('replay', AUDITOR)
  async replayForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'auditor/replay', { title: 'Replay the log', report: null, noIndex: true });
  }

  /** Rebuilds every read model in a scratch area and compares: writes nothing (the audit feature's replay). */
  @PagePost('replay', AUDITOR)
  async replay(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const report = await this.audit.replay();
    const differences = report.differences.map((d) => ({
      document: d.document,
      fields: changedFields(d.live, d.replayed),
      live: JSON.stringify(d.live, null, 2),
      replayed: JSON.stringify(d.replayed, null, 2),
    }));
    await this.pages.render(request, reply, 'auditor/replay', {
      title: report.consistent ? 'Replay matches the read models' : 'Replay found differences',
      report,
      differences,
      noIndex: true,
    });
  }

  private async found(id: string): Promise<{ doc: ApplicationDoc; events: RecordedEvent[] }> {
    const doc = UUID.test(id) ? await this.applications.doc(id) : undefined;
    if (!doc) throw new NotFoundException();
    return { doc, events: await this.store.readStream(`application-${doc.id}`) };
  }

  /** People's email addresses by the ids the log records (erased people stay as their id). */
  private async namesOf(events: readonly RecordedEvent[]): Promise<(sub: string) => string | undefined> {
    const subs = new Set<string>();
    for (const e of events) {
      subs.add(e.metadata.actor.sub);
      const member = (e.data as { member?: unknown }).member;
      if (typeof member === 'string') subs.add(member);
    }
    const found = new Map<string, string | undefined>();
    for (const sub of subs) {
      const account = await this.identity.account(sub);
      found.set(sub, account ? ((await this.identity.emailOf(account)) ?? undefined) : undefined);
    }
    return (sub) => found.get(sub);
  }

  private auditor(request: FastifyRequest): AuthUser {
    return request.visitor!.user;
  }
}

/** The view a panel member had: the application as `present` shows it to them (their own scores only). */
function asPanelMember(member: string): AuthUser {
  return { sub: member, roles: ['panel'] } as AuthUser;
}

function applicationOf(event: RecordedEvent): string | null {
  const match = /^application-(.+)$/.exec(event.streamId);
  return match && UUID.test(match[1]) ? match[1] : null;
}

/** The top-level fields a replayed document disagrees on, so the reader knows where to look. */
export function changedFields(live: unknown, replayed: unknown): string[] {
  if (live === null || replayed === null || typeof live !== 'object' || typeof replayed !== 'object') return [live === null ? 'missing from the live read model' : 'missing from the replay'];
  const a = live as Record<string, unknown>;
  const b = replayed as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** A UK date and time (the form's fields) as an instant; every bad field named. */
export function ukInstant(form: AtForm): { instant: string | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const whole = (text: string) => (/^\d+$/.test(text) ? Number(text) : NaN);
  const day = whole(form.day);
  const month = whole(form.month);
  const year = whole(form.year);
  if (form.day === '' && form.month === '' && form.year === '') errors.push({ field: 'at-day', text: 'Enter the date to see the application at' });
  else {
    if (!(day >= 1 && day <= 31)) errors.push({ field: 'at-day', text: 'Day must be a number from 1 to 31' });
    if (!(month >= 1 && month <= 12)) errors.push({ field: 'at-month', text: 'Month must be a number from 1 to 12' });
    if (!(year >= 2000 && year <= 2100)) errors.push({ field: 'at-year', text: 'Year must have 4 numbers, like 2026' });
  }
  const time = TIME.exec(form.time);
  const hour = time ? Number(time[1]) : NaN;
  const minute = time ? Number(time[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) errors.push({ field: 'time', text: 'Enter the time as hours and minutes on the 24-hour clock, like 14:30' });
  if (errors.length > 0) return { instant: null, errors };
  const at = DateTime.fromObject({ year, month, day, hour, minute, second: 59, millisecond: 999 }, { zone: SERVICE_ZONE });
  if (!at.isValid || at.day !== day) return { instant: null, errors: [{ field: 'at-day', text: 'Enter a real date' }] };
  // The whole of the minute chosen: what happened at 14:30 is in the state "at 14:30".
  return { instant: at.toUTC().toISO()!, errors: [] };
}
