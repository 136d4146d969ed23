// npm run demo: a believable People Zones year (2024-25) written into the embedded store.
//
// The rounds are in the past, so they cannot be replayed through the HTTP API in real time.
// Instead the demo sends the same commands through the same handlers and deciders, with each
// command's "now" set to when it would have happened: time comes in with the command, so the
// history is exactly what the service would have recorded. Safe to run while the service is
// running on the same file: its projections pick the new events up from the log.
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '../libs/event-store/src';
import { AppConfig, loadConfig, PlatformModule } from '../libs/platform/src';
import type { CommandContext } from '../libs/platform/src/domain/command-context';
import { PeopleModule, PersonalDataVault } from '../libs/people/src';
import { RoundsModule, ScheduleRoundCommand, SetRoundPanelCommand } from '../libs/rounds/src';
import { DEFAULT_CRITERIA } from '../libs/rounds/src/domain';
import {
  ApplicationDetails,
  ApplicationsModule,
  AwardGrantCommand,
  DeclareConflictCommand,
  DeclineApplicationCommand,
  OpenDraftCommand,
  ScoreApplicationCommand,
  SubmitApplicationCommand,
  WithdrawApplicationCommand,
} from '../libs/applications/src';
import { GrantRoleCommand, IdentityModule, OpenAccountCommand, RegisterOrganisationCommand } from '../libs/identity/src';
import { pick, seeded } from '../bench/lib/random';

const NS = 'b3a0c1de-5a1f-4c4e-8f7e-2f1d6c0a9e55';
const id = (name: string) => uuidv5(name, NS);
const MARKER_STREAM = 'demo-2024-25';
const PEOPLE_MARKER_STREAM = 'demo-people-v1';

/** Someone for every role, to sign in as (by email link; without SMTP_URL the link is at /dev/mail). */
const DEMO_PEOPLE = {
  staff: 'grants.officer@opcc.example',
  panel: 'steering.group@bellfoundry.example',
  auditor: 'internal.audit@opcc.example',
  applicant: 'chair@bellfoundry-residents.example',
};

/** Deterministic pseudo-random numbers (the benchmarks' seeded generator), so every run of the demo tells the same story. */
const rand = seeded(2024);

const ZONE_THEMES = ['Pride of Place', 'Health and Wellbeing', 'Celebrating the People', 'Community Safety'];

const ORGS: { org: string; name: string; zone: string; email: string }[] = [
  { org: 'bell-foundry-residents', name: "Bell Foundry Residents' Association", zone: 'bell-foundry', email: 'chair@bellfoundry-residents.example' },
  { org: 'loughborough-allotments', name: 'Loughborough Community Allotments', zone: 'bell-foundry', email: 'grow@lboro-allotments.example' },
  { org: 'charnwood-young-carers', name: 'Charnwood Young Carers Network', zone: 'bell-foundry', email: 'hello@charnwood-young-carers.example' },
  { org: 'bell-foundry-bells', name: 'Friends of the Bell Foundry Museum', zone: 'bell-foundry', email: 'friends@bellfoundry-museum.example' },
  { org: 'lboro-street-pastors', name: 'Loughborough Street Pastors', zone: 'bell-foundry', email: 'team@lboro-streetpastors.example' },
  { org: 'storer-road-mosque-youth', name: 'Storer Road Youth Forum', zone: 'bell-foundry', email: 'youth@storer-road.example' },
  { org: 'new-parks-boxing', name: 'New Parks Youth Boxing Club', zone: 'new-parks', email: 'coach@newparks-boxing.example' },
  { org: 'new-parks-community-pantry', name: 'New Parks Community Pantry', zone: 'new-parks', email: 'pantry@newparks.example' },
  { org: 'aikman-avenue-gardeners', name: 'Aikman Avenue Gardeners', zone: 'new-parks', email: 'dig@aikman-gardeners.example' },
  { org: 'new-parks-mums', name: 'New Parks Mums and Tots', zone: 'new-parks', email: 'mums@newparks-tots.example' },
  { org: 'braunstone-frith-arts', name: 'Braunstone Frith Arts Collective', zone: 'new-parks', email: 'arts@frith-collective.example' },
  { org: 'new-parks-seniors', name: 'New Parks Over-60s Lunch Club', zone: 'new-parks', email: 'lunch@newparks-seniors.example' },
  { org: 'thringstone-miners-welfare', name: "Thringstone Miners' Welfare Community Hub", zone: 'thringstone-whitwick', email: 'hub@thringstone-welfare.example' },
  { org: 'whitwick-memory-cafe', name: 'Whitwick Memory Café', zone: 'thringstone-whitwick', email: 'cafe@whitwick-memory.example' },
  { org: 'whitwick-colts-fc', name: 'Whitwick Colts Football Club', zone: 'thringstone-whitwick', email: 'secretary@whitwick-colts.example' },
  { org: 'grace-dieu-wildlife', name: 'Grace Dieu Wildlife Volunteers', zone: 'thringstone-whitwick', email: 'wild@gracedieu-volunteers.example' },
  { org: 'thringstone-youth-theatre', name: 'Thringstone Youth Theatre', zone: 'thringstone-whitwick', email: 'stage@thringstone-youth.example' },
  { org: 'whitwick-historical', name: 'Whitwick Historical Group', zone: 'thringstone-whitwick', email: 'history@whitwick-hg.example' },
];

const PROJECTS: Record<string, string[]> = {
  'Pride of Place': ['Community Garden', 'Alleyway Murals', 'Litter Pick and Planters', 'Green Corner Makeover'],
  'Health and Wellbeing': ['Walking Group', 'Cook and Eat Sessions', 'Men’s Shed', 'Chair Yoga for Carers'],
  'Celebrating the People': ['Summer Fun Day', 'Oral History Project', 'Community Festival', 'Heritage Trail'],
  'Community Safety': ['Youth Night Sessions', 'Safer Streets Walkabouts', 'Bike Marking and Repair', 'Detached Youth Work'],
};

const ROUNDS = [
  { key: 'r1', name: 'People Zones Grants 2024-25 — Round 1', kind: 'standard' as const, opensAt: '2024-05-01T09:00:00Z', closesAt: '2024-06-14T17:00:00Z' },
  { key: 'r2', name: 'People Zones Grants 2024-25 — Round 2', kind: 'standard' as const, opensAt: '2024-09-02T09:00:00Z', closesAt: '2024-10-18T17:00:00Z' },
  { key: 'r3', name: 'People Zones Grants 2024-25 — Collaborative Round', kind: 'collaborative' as const, opensAt: '2025-01-06T09:00:00Z', closesAt: '2025-02-14T17:00:00Z' },
];
const PANEL = ['sg-bell-foundry-1', 'sg-bell-foundry-2', 'sg-new-parks-1', 'sg-thringstone-whitwick-1'];
const ROUND_BUDGET = 4_000_000; // £40,000 a round: £120,000 ring-fenced for the year

const at = (iso: string, plusHours: number) => new Date(Date.parse(iso) + plusHours * 3_600_000).toISOString();

function context(sub: string, role: CommandContext['actor']['role'], now: string): CommandContext {
  return { actor: { sub, role }, now, correlationId: `demo-${randomUUID()}`, causationId: null };
}

/** The service's own command handlers, stores and vault, without HTTP or the worker. */
@Module({})
class DemoModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: DemoModule, imports: [PlatformModule.forRoot({ config }), PeopleModule, IdentityModule, RoundsModule, ApplicationsModule] };
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' });
  if (config.eventStore !== 'sqlite') throw new Error('npm run demo writes into the embedded store (EVENT_STORE=sqlite)');
  const nest = await NestFactory.createApplicationContext(DemoModule.forRoot(config), { logger: false, abortOnError: false });
  const store = nest.get<EventStore>(EVENT_STORE);
  const vault = nest.get(PersonalDataVault);
  const bus = nest.get(CommandBus);
  try {
    if ((await store.readStream(PEOPLE_MARKER_STREAM)).length === 0) await addPeople(bus, store);
    printPeople(config);
    if ((await store.readStream(MARKER_STREAM)).length > 0) {
      console.log(`The demo year is already in ${config.sqlitePath}; nothing more to do.`);
      return;
    }

    let applicationCount = 0;
    let awardedPence = 0;
    let awards = 0;
    for (const [index, r] of ROUNDS.entries()) {
      const roundId = id(`round-${r.key}`);
      const scheduledAt = at(r.opensAt, -24 * 40);
      await bus.execute(
        new ScheduleRoundCommand(
          {
            roundId,
            name: r.name,
            financialYear: '2024-25',
            kind: r.kind,
            zones: ['bell-foundry', 'new-parks', 'thringstone-whitwick'],
            themes: ZONE_THEMES,
            opensAt: r.opensAt,
            closesAt: r.closesAt,
            budgetPence: ROUND_BUDGET,
            maxAwardPence: 1_000_000,
            criteria: [...DEFAULT_CRITERIA],
          },
          context('demo-grants-officer', 'staff', scheduledAt),
        ),
      );
      await bus.execute(new SetRoundPanelCommand({ roundId, members: PANEL }, context('demo-grants-officer', 'staff', at(scheduledAt, 2))));

      const ids: { applicationId: string; requested: number; org: string }[] = [];
      for (let n = 0; n < 14; n++) {
        const o = ORGS[(index * 5 + n) % ORGS.length];
        const theme = pick(rand, ZONE_THEMES);
        const requested = (15 + Math.floor(rand() * 86)) * 10_000; // £1,500 to £10,000
        const applicationId = id(`application-${r.key}-${n}`);
        const openedAt = at(r.opensAt, 24 + n * 30);
        const details: ApplicationDetails = {
          title: `${o.name.split(' ').slice(0, 2).join(' ')} ${pick(rand, PROJECTS[theme])}`,
          zone: o.zone,
          theme,
          summary: `A ${theme.toLowerCase()} project led by ${o.name}, shaped with residents at drop-in sessions.`,
          requestedPence: requested,
          projectStart: at(r.closesAt, 24 * 30).slice(0, 10),
          projectEnd: at(r.closesAt, 24 * 395).slice(0, 10),
          sustainability: 'Volunteers trained during the project keep it going, with small fees and a local business sponsor.',
          partners: r.kind === 'collaborative' ? [{ name: pick(rand, ORGS.filter((x) => x.org !== o.org)).name }] : [],
          answers: {},
        };
        const ctx = (hours: number) => context(`demo-${o.org}`, 'applicant', at(openedAt, hours));
        const contact = await vault.sealFor(o.email);
        await bus.execute(new OpenDraftCommand({ applicationId, roundId, org: o.org, openedBy: `demo-${o.org}`, details, contact }, ctx(0)));
        if (n === 13) {
          await bus.execute(new WithdrawApplicationCommand({ applicationId, org: o.org, reason: 'Our volunteers could not commit this year' }, ctx(48)));
          applicationCount++;
          continue;
        }
        await bus.execute(new SubmitApplicationCommand({ applicationId, org: o.org }, ctx(72)));
        ids.push({ applicationId, requested, org: o.org });
        applicationCount++;
      }

      // The steering-group panel scores after the close; one declares a conflict of interest.
      const scoredAt = at(r.closesAt, 24 * 7);
      const totals = new Map<string, number>();
      for (const [k, a] of ids.entries()) {
        const quality = rand();
        for (const member of PANEL) {
          const ctx = context(member, 'panel', at(scoredAt, k));
          if (k === 2 && member === PANEL[2]) {
            await bus.execute(new DeclareConflictCommand({ applicationId: a.applicationId, member, reason: 'I volunteer with this group' }, ctx));
            continue;
          }
          const scores = Object.fromEntries(
            DEFAULT_CRITERIA.map((c) => [c.key, Math.max(0, Math.min(5, Math.round(1 + quality * 3.5 + (rand() - 0.5) * 1.5)))]),
          );
          const comment = pick(rand, ['Clear local need.', 'Good partnership.', 'Budget could be clearer.', 'Strong sustainability plan.']);
          const result = await bus.execute(new ScoreApplicationCommand({ applicationId: a.applicationId, member, scores, comment }, ctx));
          totals.set(a.applicationId, (totals.get(a.applicationId) ?? 0) + result.weightedTotal);
        }
      }

      // Decisions: best-scored first until the budget runs out; the rest get feedback.
      const decidedAt = at(r.closesAt, 24 * 21);
      let remaining = ROUND_BUDGET;
      const ranked = [...ids].sort((a, b) => (totals.get(b.applicationId) ?? 0) - (totals.get(a.applicationId) ?? 0));
      for (const [k, a] of ranked.entries()) {
        const amount = Math.min(a.requested, 1_000_000);
        const ctx = context('demo-grants-officer', 'staff', at(decidedAt, k));
        if (k < 10 && amount <= remaining) {
          await bus.execute(new AwardGrantCommand({ applicationId: a.applicationId, amountPence: amount, note: 'Agreed by the steering groups' }, ctx));
          remaining -= amount;
          awardedPence += amount;
          awards++;
        } else {
          const feedback = 'The panel valued the idea but ranked others higher this round; we would welcome a bid next round.';
          await bus.execute(new DeclineApplicationCommand({ applicationId: a.applicationId, feedback }, ctx));
        }
      }
    }

    const loadedAt = new Date().toISOString();
    await store.append(
      MARKER_STREAM,
      [
        {
          id: id('demo-marker'),
          type: 'DemoYearLoaded',
          data: { financialYear: '2024-25' },
          metadata: { actor: { sub: 'demo', role: 'system' }, occurredAt: loadedAt, correlationId: 'demo', causationId: null, schemaVersion: 1 },
        },
      ],
      'no_stream',
    );
    console.log(
      `Loaded 2024-25 into ${config.sqlitePath}: 3 rounds sharing £120,000, ${applicationCount} applications, ` +
        `${awards} awards totalling £${(awardedPence / 100).toLocaleString('en-GB')}.`,
    );
    console.log(`See it: npm start, then open ${config.publicUrl}/ (the API is described at ${config.publicUrl}/docs)`);
  } finally {
    await nest.close();
  }
}

/** A person for every role; the applicant chairs the demo's Bell Foundry residents' group, whose bids they then see. */
async function addPeople(bus: CommandBus, store: EventStore): Promise<void> {
  const now = new Date().toISOString();
  const officer = context('demo-setup', 'staff', now);
  await bus.execute(new GrantRoleCommand({ email: DEMO_PEOPLE.staff, role: 'staff', zone: null, roundId: null, reason: 'Demo: the grants officer' }, officer));
  await bus.execute(new GrantRoleCommand({ email: DEMO_PEOPLE.panel, role: 'panel', zone: 'bell-foundry', roundId: null, reason: 'Demo: a Bell Foundry steering group resident' }, officer));
  await bus.execute(new GrantRoleCommand({ email: DEMO_PEOPLE.auditor, role: 'auditor', zone: null, roundId: null, reason: 'Demo: internal audit' }, officer));
  const { personId } = await bus.execute(new OpenAccountCommand({ email: DEMO_PEOPLE.applicant }, context('sign-in', 'system', now)));
  const org = ORGS[0];
  await bus.execute(
    new RegisterOrganisationCommand({ orgId: org.org, name: org.name, legalForm: 'unincorporated-association', charityNumber: '', companyNumber: '' }, context(personId, 'applicant', now)),
  );
  await store.append(
    PEOPLE_MARKER_STREAM,
    [{ id: id('demo-people'), type: 'DemoPeopleAdded', data: {}, metadata: { actor: { sub: 'demo', role: 'system' }, occurredAt: now, correlationId: 'demo', causationId: null, schemaVersion: 1 } }],
    'no_stream',
  );
}

function printPeople(config: AppConfig): void {
  const mail = config.smtpUrl ? 'in their mailbox' : `at ${config.publicUrl}/dev/mail`;
  console.log(`Sign in at ${config.publicUrl}/sign-in as any of these; the sign-in link arrives ${mail}:`);
  for (const [role, email] of Object.entries(DEMO_PEOPLE)) console.log(`  ${role.padEnd(10)} ${email}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
