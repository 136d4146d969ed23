/**
 * Item 6: N grantee reminders falling due at the same moment, delivered by the real service
 * (job planner -> BullMQ in the real Redis -> worker -> SentMail -> SMTP) to an in-process SMTP
 * server (test/support/smtp.ts).
 *
 * N awarded grants are written into a fresh store file through the service's own deciders and
 * the SQLite adapter (awarding 10,000 grants over HTTP would first need their round to open
 * and close in real time). Each grant's first-month check-in is due at T0 + REMINDER_LEAD, so
 * every check-in reminder runs at T0, a little after the service has started. Then the service
 * starts on that file, plans the jobs from the MonitoringScheduled events, and at T0 the
 * reminders fall due together. Measured: T0 until the SMTP server has accepted all N.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NewEvent, Role, SqliteEventStore } from '@pz/event-store';
import type { DomainEvent } from '@pz/platform/domain';
import { deriveSecret, PersonalDataVault, SealedValue, SqlitePersonalDataKeys } from '@pz/people';
import { applicationDecider, ApplicationState, applicationStreamId, RoundFacts } from '@pz/applications/domain';
import { DEFAULT_CRITERIA, financialYearOf, OnCalendar, roundDecider, RoundState, roundStreamId } from '@pz/rounds/domain';
import { startSmtpServer } from '../../test/support/smtp';
import { flag, log, option, report, sleep, textOption } from '../lib/child';
import { startServer } from '../lib/server';

const quick = flag('quick');
const GRANTS = option('grants', quick ? 1000 : 10_000);
const LEAD_SECONDS = option('lead-seconds', quick ? 15 : 25);
const DAY = 86_400_000;

function events(at: number, list: readonly DomainEvent[], sub: string, role: Role): NewEvent[] {
  const occurredAt = new Date(at).toISOString();
  return list.map((e) => ({
    id: randomUUID(),
    type: e.type,
    data: e.data,
    metadata: { actor: { sub, role }, occurredAt, correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
  }));
}

/** N grants awarded at `awardAt`, each with a sealed contact address the worker can open. */
async function seed(path: string, secret: string, awardAt: number): Promise<void> {
  const db = new Database(path);
  const vault = new PersonalDataVault(new SqlitePersonalDataKeys(db), { personIdSecret: deriveSecret(secret, 'person-id') });
  const store = new SqliteEventStore({ path });
  const roundId = randomUUID();
  const opensAt = awardAt - 60 * DAY;
  const closesAt = awardAt - 10 * DAY;
  let round: RoundState = roundDecider.initialState();
  const roundEvents: NewEvent[] = [];
  const roundCmd = (at: number, command: Parameters<typeof roundDecider.decide>[0]) => {
    const out = roundDecider.decide(command, round);
    round = out.reduce(roundDecider.evolve, round);
    roundEvents.push(...events(at, out, 'bench-staff', 'staff'));
  };
  roundCmd(opensAt - 40 * DAY, {
    type: 'ScheduleRound', roundId, now: new Date(opensAt - 40 * DAY).toISOString(), name: 'Reminder benchmark round',
    financialYear: financialYearOf(opensAt), kind: 'standard',
    zones: ['bell-foundry'], themes: ['Pride of Place'], opensAt: new Date(opensAt).toISOString(), closesAt: new Date(closesAt).toISOString(),
    budgetPence: GRANTS * 100_000, criteria: [...DEFAULT_CRITERIA], knownZones: ['bell-foundry'], alertLead: 'P28D',
  });
  // Scheduled just above and never cancelled.
  const onCalendar = () => round as OnCalendar;
  const facts = (): RoundFacts => ({
    roundId, kind: 'standard', zones: ['bell-foundry'], themes: ['Pride of Place'], opensAt: onCalendar().round.opensAt, closesAt: onCalendar().round.closesAt,
    cancelledAt: null, budgetPence: onCalendar().round.budgetPence, maxAwardPence: null, criteria: onCalendar().round.criteria, panel: [],
  });
  const grants: { stream: string; events: NewEvent[] }[] = [];
  // One transaction for the vault's new keys: each would otherwise be a commit (and an fsync).
  // The vault's store runs its statements on this connection at once, so they all fall inside it.
  const contacts: SealedValue[] = [];
  db.exec('BEGIN IMMEDIATE');
  for (let i = 0; i < GRANTS; i++) contacts.push(await vault.sealFor(`grantee-${i}@example.org`));
  db.exec('COMMIT');
  {
    for (let i = 0; i < GRANTS; i++) {
      const applicationId = randomUUID();
      const org = `grantee-${i}`;
      let state: ApplicationState = applicationDecider.initialState();
      const out: NewEvent[] = [];
      const run = (at: number, command: Parameters<typeof applicationDecider.decide>[0], sub: string, role: Role) => {
        const decided = applicationDecider.decide(command, state);
        state = decided.reduce(applicationDecider.evolve, state);
        out.push(...events(at, decided, sub, role));
      };
      const base = { applicationId, org };
      run(opensAt + DAY, {
        ...base, type: 'OpenDraft', now: new Date(opensAt + DAY).toISOString(), openedBy: `user-${org}`, round: facts(),
        details: {
          title: `Grant ${i}`, zone: 'bell-foundry', theme: 'Pride of Place', summary: 'A garden run by local families.', requestedPence: 100_000,
          // Ends 60 days after the award: the schedule is the check-in and the case study.
          projectStart: new Date(awardAt).toISOString().slice(0, 10), projectEnd: new Date(awardAt + 60 * DAY).toISOString().slice(0, 10),
          sustainability: 'A residents committee takes it on.', partners: [], answers: {},
        },
        contact: contacts[i],
      }, `user-${org}`, 'applicant');
      run(opensAt + 2 * DAY, { ...base, type: 'SubmitApplication', now: new Date(opensAt + 2 * DAY).toISOString(), round: facts() }, `user-${org}`, 'applicant');
      // decide() as the handler would, but the fold done in place: evolve copies the round's map
    // of commitments per award, which over 10,000 awards in one round is quadratic.
    const committed = roundDecider.decide({ type: 'CommitRoundFunds', roundId, now: new Date(awardAt).toISOString(), applicationId, amountPence: 100_000 }, round);
    onCalendar().commitments[applicationId] = 100_000;
    onCalendar().committedPence += 100_000;
    roundEvents.push(...events(awardAt, committed, 'bench-staff', 'staff'));
      run(awardAt, {
        type: 'AwardGrant', applicationId, now: new Date(awardAt).toISOString(), round: facts(), amountPence: 100_000,
        monitoringPolicy: { firstCheckinAfter: 'P1M', monitoringInterval: 'P1Y' },
      }, 'bench-staff', 'staff');
      grants.push({ stream: applicationStreamId(applicationId), events: out });
    }
  }
  await store.append(roundStreamId(roundId), roundEvents, 'no_stream');
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = next++; i < grants.length; i = next++) await store.append(grants[i].stream, grants[i].events, 'no_stream');
    }),
  );
  await store.close();
  db.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pz-bench-reminders-'));
  const smtp = await startSmtpServer();
  const secret = randomBytes(32).toString('hex');
  const path = join(dir, 'grants.sqlite');
  // Reminders run REMINDER_LEAD (P7D) before the check-in, which is due P1M after the award.
  const t0 = Date.now() + LEAD_SECONDS * 1000;
  const checkInDue = new Date(t0 + 7 * DAY);
  const awardAt = new Date(checkInDue);
  awardAt.setUTCMonth(awardAt.getUTCMonth() - 1);
  try {
    let started = performance.now();
    await seed(path, secret, awardAt.getTime());
    log(`seeded ${GRANTS} awarded grants in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
    const nodeArgs = textOption('server-node-args', '').split(' ').filter(Boolean);
    const server = await startServer({ AUTH_JWT_SECRET: secret, SQLITE_PATH: path, SMTP_URL: smtp.url, LOG_LEVEL: 'warn' }, nodeArgs);
    log(`service up in ${((performance.now() - started) / 1000).toFixed(1)} s; reminders fall due in ${((t0 - Date.now()) / 1000).toFixed(1)} s`);
    try {
      if (Date.now() > t0) throw new Error('the service took longer to start than the lead: raise --lead-seconds');
      await sleep(t0 - Date.now());
      const due = performance.now();
      const deadline = Date.now() + 180_000;
      let last = 0;
      while (smtp.messages.length < GRANTS && Date.now() < deadline) {
        await sleep(200);
        if (smtp.messages.length - last >= GRANTS / 10) {
          last = smtp.messages.length;
          log(`${last} delivered after ${((performance.now() - due) / 1000).toFixed(1)} s`);
        }
      }
      const seconds = (performance.now() - due) / 1000;
      const reminders = smtp.messages.filter((m) => m.subject.length > 0).length;
      const recipients = new Set(smtp.messages.map((m) => m.envelope.to.join(','))).size;
      log(`${reminders} reminders to ${recipients} grantees in ${seconds.toFixed(1)} s`);
      report({ grants: GRANTS, delivered: smtp.messages.length, recipients, seconds, perSecond: smtp.messages.length / seconds, complete: smtp.messages.length >= GRANTS });
    } finally {
      await server.stop();
    }
  } finally {
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
