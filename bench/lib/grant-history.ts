/**
 * A believable history of grant rounds, produced by the service's own deciders: every event in a
 * benchmark log is one the service could have written, with the payload sizes and the mix of
 * types (scores, awards, monitoring, emails, subscriptions) a real deployment accumulates.
 *
 * Each round: scheduled and given a panel; about 40 applications opened, some edited, most
 * submitted, a few withdrawn; five panel members score every submitted bid (some revise, a few
 * declare conflicts); about a third are awarded within budget, the rest declined; each award then
 * runs a year of monitoring (check-in, quarterly returns, case study, reminder emails, RAG ratings
 * when something is late); subscribers get the round's three notices.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent, Role } from '@pz/event-store';
import type { DomainEvent } from '@pz/platform/domain';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationDetails,
  ApplicationState,
  applicationStreamId,
  RoundFacts,
} from '@pz/applications/domain';
import { ragCheckpoints, type DueItem } from '@pz/applications/domain';
import { DEFAULT_CRITERIA, financialYearOf, OnCalendar, RoundCommand, roundDecider, RoundState, roundStreamId } from '@pz/rounds/domain';
import { subscriptionDecider, subscriptionStreamId } from '@pz/subscriptions/domain/subscription';
import { between, chance, idFor, noise, pick, Random } from './random';

export interface TimedEvent {
  /** When it happened (ms since the epoch): the log is in this order. */
  at: number;
  streamId: string;
  event: NewEvent;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ZONES = ['bell-foundry', 'new-parks', 'thringstone-whitwick'];
const THEMES = ['Pride of Place', 'Health and Wellbeing', 'Celebrating the People', 'Community Safety'];
const MONITORING = { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' };
const RAG = { amberAfter: 'P7D', redAfter: 'P28D' };
const COMMENTS = ['Clear local need.', 'Good partnership with the residents association.', 'Budget could be clearer.', 'Strong sustainability plan.', 'Outcomes are measurable and local.'];
const SUMMARY =
  'A community project shaped with residents at drop-in sessions: volunteers, a local venue and ' +
  'partners from the zone deliver weekly sessions, with outcomes tracked against the People Zone plan.';

export interface HistoryOptions {
  rand: Random;
  /** First round is scheduled at this moment; later rounds follow every `roundSpacingMs`. */
  start: number;
  roundSpacingMs?: number;
}

/** Time comes with the command, so the history can be written in any order and sorted after. */
class Timeline {
  readonly out: TimedEvent[] = [];
  emit(at: number, streamId: string, events: readonly DomainEvent[], sub: string, role: Role): void {
    const occurredAt = new Date(at).toISOString();
    const correlationId = randomUUID();
    for (const e of events) {
      this.out.push({
        at,
        streamId,
        event: {
          id: randomUUID(),
          type: e.type,
          data: e.data,
          metadata: { actor: { sub, role }, occurredAt, correlationId, causationId: null, schemaVersion: 1 },
        },
      });
    }
  }
}

/** A stand-in for a sealed address: the same shape and size as the vault's, not decryptable. */
function sealed(rand: Random, person: string) {
  return { $pii: 1 as const, person, iv: noise(rand, 16), ct: noise(rand, 44), tag: noise(rand, 24) };
}

export class GrantHistory {
  private subscribers: { id: string; zones: string[]; active: boolean }[] = [];
  private readonly spacing: number;

  constructor(private readonly options: HistoryOptions) {
    this.spacing = options.roundSpacingMs ?? 5 * DAY;
  }

  roundStart(index: number): number {
    return this.options.start + index * this.spacing;
  }

  /** Every event of round `index`, unordered; none is earlier than `roundStart(index)`. */
  round(index: number): TimedEvent[] {
    const rand = this.options.rand;
    const t = new Timeline();
    const staff = `staff-${index % 4}`;
    const scheduledAt = this.roundStart(index);
    const opensAt = scheduledAt + 35 * DAY;
    const closesAt = opensAt + 42 * DAY;
    const roundId = idFor(`round-${index}`);
    const roundStream = roundStreamId(roundId);
    const panel = Array.from({ length: 5 }, (_, k) => `sg-${ZONES[(index + k) % 3]}-${k}`);
    const budget = between(rand, 40, 60) * 100_000;

    let roundState: RoundState = roundDecider.initialState();
    const roundCommand = (at: number, command: RoundCommand) => {
      const events = roundDecider.decide(command, roundState);
      roundState = events.reduce(roundDecider.evolve, roundState);
      t.emit(at, roundStream, events, staff, 'staff');
    };
    roundCommand(scheduledAt, {
      type: 'ScheduleRound',
      roundId,
      now: new Date(scheduledAt).toISOString(),
      name: `People Zones Grants ${financialYearOf(opensAt)} — Round ${index + 1}`,
      financialYear: financialYearOf(opensAt),
      kind: chance(rand, 0.2) ? 'collaborative' : 'standard',
      zones: ZONES,
      themes: THEMES,
      opensAt: new Date(opensAt).toISOString(),
      closesAt: new Date(closesAt).toISOString(),
      budgetPence: budget,
      maxAwardPence: 1_000_000,
      criteria: [...DEFAULT_CRITERIA],
      knownZones: ZONES,
      alertLead: 'P28D',
    });
    roundCommand(scheduledAt + 2 * HOUR, { type: 'SetRoundPanel', roundId, now: new Date(scheduledAt + 2 * HOUR).toISOString(), members: panel });
    // The round was just scheduled and is never cancelled here.
    const onCalendar = () => roundState as OnCalendar;
    const r = onCalendar().round;
    const facts = (): RoundFacts => ({
      roundId,
      kind: r.kind,
      zones: r.zones,
      themes: r.themes,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      cancelledAt: null,
      budgetPence: r.budgetPence,
      maxAwardPence: r.maxAwardPence,
      criteria: r.criteria,
      panel: onCalendar().panel,
    });

    this.subscriptions(t, index, scheduledAt, opensAt);
    this.roundNotices(t, roundId, [r.announceAt, r.opensAt, new Date(closesAt - 7 * DAY).toISOString()]);

    // Applications: the deciders check every rule, so only what the service accepts is written.
    interface Bid {
      id: string;
      stream: string;
      org: string;
      state: ApplicationState;
      total: number;
      requested: number;
      contactPerson: string;
    }
    const bids: Bid[] = [];
    const apply = (bid: Bid, at: number, command: ApplicationCommand, sub: string, role: Role) => {
      const events = applicationDecider.decide(command, bid.state);
      bid.state = events.reduce(applicationDecider.evolve, bid.state);
      t.emit(at, bid.stream, events, sub, role);
      return events;
    };
    const count = between(rand, 30, 50);
    for (let n = 0; n < count; n++) {
      const id = idFor(`application-${index}-${n}`);
      const org = `org-${between(rand, 1, 4000)}`;
      const zone = pick(rand, ZONES);
      const theme = pick(rand, THEMES);
      const requested = between(rand, 15, 100) * 10_000;
      const bid: Bid = { id, stream: applicationStreamId(id), org, state: applicationDecider.initialState(), total: 0, requested, contactPerson: idFor(`person-${org}`) };
      const openedAt = opensAt + Math.floor(rand() * 35 * DAY);
      const details: ApplicationDetails = {
        title: `${org} ${theme} project ${n}`,
        zone,
        theme,
        summary: SUMMARY,
        requestedPence: requested,
        projectStart: new Date(closesAt + 30 * DAY).toISOString().slice(0, 10),
        projectEnd: new Date(closesAt + 395 * DAY).toISOString().slice(0, 10),
        sustainability: 'Volunteers trained during the project keep it going, with small fees and a local business sponsor.',
        partners: r.kind === 'collaborative' ? [{ name: `org-${between(rand, 1, 4000)}` }] : [],
        answers: { 'how-did-you-hear': pick(rand, ['newsletter', 'council', 'word of mouth']) },
      };
      const applicant = `user-${org}`;
      const base = { applicationId: id, org };
      apply(bid, openedAt, { ...base, type: 'OpenDraft', now: new Date(openedAt).toISOString(), openedBy: applicant, round: facts(), details, contact: sealed(rand, bid.contactPerson) }, applicant, 'applicant');
      let at = openedAt;
      const edits = chance(rand, 0.35) ? between(rand, 1, 2) : 0;
      for (let e = 0; e < edits; e++) {
        at += Math.floor(rand() * DAY);
        apply(bid, at, { ...base, type: 'EditDraft', now: new Date(at).toISOString(), round: facts(), changes: { summary: `${SUMMARY} (revised ${e + 1})` } }, applicant, 'applicant');
      }
      const fate = rand();
      at += Math.floor(rand() * DAY);
      if (fate < 0.04) {
        apply(bid, at, { ...base, type: 'WithdrawApplication', now: new Date(at).toISOString(), reason: 'Our volunteers could not commit this year' }, applicant, 'applicant');
        continue;
      }
      if (fate < 0.08) continue; // a draft never submitted
      apply(bid, Math.min(at, closesAt - HOUR), { ...base, type: 'SubmitApplication', now: new Date(Math.min(at, closesAt - HOUR)).toISOString(), round: facts() }, applicant, 'applicant');
      bids.push(bid);
    }

    // Panel scoring in the fortnight after the close.
    for (const [k, bid] of bids.entries()) {
      const quality = rand();
      for (const member of panel) {
        const at = closesAt + DAY + Math.floor(rand() * 13 * DAY) + k;
        const base = { applicationId: bid.id, now: new Date(at).toISOString(), member, round: facts() };
        if (chance(rand, 0.02)) {
          apply(bid, at, { ...base, type: 'DeclareConflict', reason: 'I volunteer with this group' }, member, 'panel');
          continue;
        }
        const revisions = chance(rand, 0.15) ? 2 : 1;
        for (let v = 0; v < revisions; v++) {
          const scores = Object.fromEntries(DEFAULT_CRITERIA.map((c) => [c.key, Math.max(0, Math.min(5, Math.round(1 + quality * 3.5 + (rand() - 0.5) * 1.5)))]));
          const events = apply(bid, at + v * HOUR, { ...base, now: new Date(at + v * HOUR).toISOString(), type: 'ScoreApplication', scores, comment: pick(rand, COMMENTS) }, member, 'panel');
          if (v === revisions - 1) bid.total += (events[0]?.data as { weightedTotal: number } | undefined)?.weightedTotal ?? 0;
        }
      }
    }

    // Decisions three weeks after the close: best first while the budget lasts.
    const decidedAt = closesAt + 21 * DAY;
    const ranked = [...bids].sort((a, b) => b.total - a.total);
    for (const [k, bid] of ranked.entries()) {
      const at = decidedAt + k * 60_000;
      const now = new Date(at).toISOString();
      const amount = Math.min(bid.requested, 1_000_000);
      const remaining = r.budgetPence - onCalendar().committedPence;
      if (k < Math.ceil(bids.length / 3) && amount <= remaining) {
        roundCommand(at, { type: 'CommitRoundFunds', roundId, now, applicationId: bid.id, amountPence: amount });
        const events = apply(bid, at, { type: 'AwardGrant', applicationId: bid.id, now, round: facts(), monitoringPolicy: MONITORING, amountPence: amount, note: 'Agreed by the steering groups' }, staff, 'staff');
        const schedule = (events.find((e) => e.type === 'MonitoringScheduled')!.data as { items: DueItem[] }).items;
        this.monitoring(t, bid, schedule, apply);
      } else {
        apply(bid, at, { type: 'DeclineApplication', applicationId: bid.id, now, round: facts(), feedback: 'The panel valued the idea but ranked others higher this round; we would welcome a bid next round.' }, staff, 'staff');
      }
    }
    return t.out;
  }

  /** A year of monitoring: reminders before each item, items filed (some late), RAG when late. */
  private monitoring(
    t: Timeline,
    bid: { id: string; org: string; state: ApplicationState; contactPerson: string },
    schedule: DueItem[],
    apply: (bid: never, at: number, command: ApplicationCommand, sub: string, role: Role) => DomainEvent[],
  ): void {
    const rand = this.options.rand;
    const applicant = `user-${bid.org}`;
    const run = (at: number, command: ApplicationCommand, sub: string, role: Role) => apply(bid as never, at, command, sub, role);
    // A stream's events must be in time order, as the service would have written them.
    let clock = 0;
    const after = (at: number) => (clock = Math.max(at, clock + HOUR));
    for (const item of schedule) {
      const due = Date.parse(item.dueAt);
      this.email(t, due - 7 * DAY, `reminder.${bid.id}.${item.key}`, 'grantee-reminder', bid.contactPerson);
      const late = chance(rand, 0.12);
      if (late) {
        // The worker's RAG check at the Amber moment finds it overdue.
        const amberAt = after(Date.parse(ragCheckpoints(item, RAG).amberAt));
        run(amberAt, { type: 'EvaluateRag', applicationId: bid.id, now: new Date(amberAt).toISOString(), ragPolicy: RAG }, 'worker', 'system');
      }
      const filedAt = after(late ? due + between(rand, 8, 20) * DAY : due - Math.floor(rand() * 5 * DAY));
      const now = new Date(filedAt).toISOString();
      if (item.kind === 'check-in') {
        run(filedAt, { type: 'FileCheckIn', applicationId: bid.id, org: bid.org, now, summary: 'Sessions started; volunteers recruited and trained.', supportNeeded: chance(rand, 0.2) ? 'Help with publicity' : '', ragPolicy: RAG }, applicant, 'applicant');
      } else if (item.kind === 'return') {
        run(filedAt, { type: 'FileMonitoringReturn', applicationId: bid.id, org: bid.org, now, period: item.key, spentPence: between(rand, 10_000, 300_000), beneficiaries: between(rand, 5, 120), progress: 'Weekly sessions running; attendance growing.', onTrack: !chance(rand, 0.08), ragPolicy: RAG }, applicant, 'applicant');
      } else {
        run(filedAt, {
          type: 'FileCaseStudy',
          applicationId: bid.id,
          org: bid.org,
          now,
          caseStudy: {
            title: 'What changed on our street',
            summary: 'Residents who had never met now run the sessions themselves.',
            outcomes: 'Regular attendance, fewer complaints of anti-social behaviour, a new residents group.',
            beneficiaries: between(rand, 20, 400),
            quote: chance(rand, 0.6) ? 'It gave the kids somewhere to be.' : null,
            lessons: 'Start publicity earlier; partner with the school.',
            sustainability: 'The residents group has taken it on.',
            consentToPublish: chance(rand, 0.8),
          },
        }, applicant, 'applicant');
      }
    }
  }

  private subscriptions(t: Timeline, index: number, from: number, to: number): void {
    const rand = this.options.rand;
    const joins = between(rand, 2, 6);
    for (let k = 0; k < joins; k++) {
      const person = idFor(`subscriber-${index}-${k}`);
      const at = from + Math.floor(rand() * (to - from));
      const zones = chance(rand, 0.5) ? [] : [pick(rand, ZONES)];
      // Asked for, then confirmed from the email an hour later (double opt-in).
      const requestId = idFor(`subscription-request-${index}-${k}`);
      const requested = subscriptionDecider.decide(
        { type: 'RequestSubscription', subscriptionId: person, person, email: sealed(rand, person), zones, requestId, knownZones: ZONES, now: new Date(at).toISOString() },
        subscriptionDecider.initialState(),
      );
      const pending = requested.reduce(subscriptionDecider.evolve, subscriptionDecider.initialState());
      const confirmedAt = new Date(at + 3_600_000).toISOString();
      const confirmed = subscriptionDecider.decide({ type: 'ConfirmSubscription', subscriptionId: person, requestId, now: confirmedAt }, pending);
      t.emit(at, subscriptionStreamId(person), requested, 'anonymous', 'anonymous');
      t.emit(at + 3_600_000, subscriptionStreamId(person), confirmed, 'anonymous', 'anonymous');
      this.subscribers.push({ id: person, zones, active: true });
    }
    if (this.subscribers.length > 40 && chance(rand, 0.8)) {
      const s = pick(rand, this.subscribers.filter((x) => x.active));
      if (s) {
        s.active = false;
        const at = from + Math.floor(rand() * (to - from));
        t.emit(at, subscriptionStreamId(s.id), [{ type: 'UnsubscribedFromRoundAlerts', data: { subscriptionId: s.id, at: new Date(at).toISOString(), via: 'link' } }], 'anonymous', 'anonymous');
      }
    }
  }

  /** Each active subscriber gets the announcement, the opening and the closing-soon notice. */
  private roundNotices(t: Timeline, roundId: string, moments: string[]): void {
    const active = this.subscribers.filter((s) => s.active).slice(-30);
    for (const [k, at] of moments.entries()) {
      const template = ['round-alert', 'round-open', 'round-closing'][k];
      for (const s of active) this.email(t, Date.parse(at) + 60_000, `mail.${template}.${roundId}.${Date.parse(at)}.${s.id}`, template, s.id);
    }
  }

  private email(t: Timeline, at: number, dedupeKey: string, template: string, person: string): void {
    const uuid = idFor(dedupeKey);
    t.emit(at, `email-${uuid}`, [{ type: 'EmailSent', data: { dedupeKey, template, to: person, messageId: `<${uuid}@localhost>`, sentAt: new Date(at).toISOString() } }], 'worker', 'system');
  }
}

/** The events of one awarded application with its round's history, for stream-level workloads. */
export function oneApplication(rand: Random): { stream: string; events: NewEvent[] } {
  const history = new GrantHistory({ rand, start: Date.UTC(2030, 0, 1) });
  for (let i = 0; ; i++) {
    const all = history.round(i).sort((a, b) => a.at - b.at);
    const awarded = all.find((e) => e.event.type === 'ApplicationAwarded');
    if (!awarded) continue;
    return { stream: awarded.streamId, events: all.filter((e) => e.streamId === awarded.streamId).map((e) => e.event) };
  }
}
