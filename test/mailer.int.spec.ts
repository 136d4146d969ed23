import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { EVENT_STORE, SqliteEventStore } from '@pz/event-store';
import { deriveSecret, PersonalDataVault, SqlitePersonalDataKeys } from '@pz/people';
import { APP_CONFIG, CommandContext, loadConfig, SQLITE_CONNECTIONS } from '@pz/platform';
import {
  EMAIL_SENT,
  EmailSentData,
  emailStreamId,
  InvalidRecipientError,
  MailDeliveryError,
  Mailer,
  MailTemplates,
  messageIdFor,
  NotificationsMailModule,
  OutgoingMail,
  SentMail,
  TemplateDataError,
  TemplateName,
} from '@pz/notifications/mail';
import { startSmtpServer, TestSmtpServer } from './support/smtp';

const SECRET = 'mailer-test-secret-that-is-at-least-32-characters';
const ALICE = 'Alice.Smith@example.org';
const UNSUBSCRIBE = 'http://grants.test/subscriptions/unsubscribe?token=sub-1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const SAMPLES: Record<TemplateName, { data: Record<string, unknown>; unsubscribeUrl?: string }> = {
  'round-alert': {
    data: {
      roundName: 'People Zones Grants 2026-27 Round 1',
      zones: ['Bell Foundry', 'New Parks'],
      themes: ['Pride of Place', 'Community Safety'],
      opensAt: '2026-06-01T08:00:00Z',
      closesAt: '2027-01-11T17:30:00Z',
      roundUrl: 'http://grants.test/rounds/r-1',
    },
    unsubscribeUrl: UNSUBSCRIBE,
  },
  'round-open': {
    data: { roundName: 'People Zones Grants 2026-27 Round 1', closesAt: '2026-06-29T16:00:00Z', roundUrl: 'http://grants.test/rounds/r-1' },
    unsubscribeUrl: UNSUBSCRIBE,
  },
  'round-closing': {
    data: { roundName: 'People Zones Grants 2026-27 Round 1', closesAt: '2026-06-29T16:00:00Z', roundUrl: 'http://grants.test/rounds/r-1' },
    unsubscribeUrl: UNSUBSCRIBE,
  },
  'grantee-reminder': {
    data: {
      grantTitle: 'Bell Foundry Community Garden',
      organisationName: 'Friends of Bell Foundry',
      kind: 'return',
      dueAt: '2026-09-30',
      applicationUrl: 'http://grants.test/applications/a-1',
    },
  },
  'rag-alert': {
    data: {
      grantTitle: 'Bell Foundry Community Garden',
      organisationName: 'Friends of Bell Foundry',
      previous: 'green',
      rating: 'amber',
      reason: 'The first quarterly return is 8 days overdue',
      applicationUrl: 'http://grants.test/applications/a-1',
    },
  },
  'subscription-confirm': {
    data: { confirmUrl: 'http://grants.test/alerts/confirm?token=c.sub-1.req-1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', zones: ['Bell Foundry'] },
  },
  'sign-in-link': {
    data: { signInUrl: 'http://grants.test/sign-in/link?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', expiresAt: '2026-11-28T10:15:00Z' },
  },
  invitation: {
    data: { invitedTo: 'Bell Foundry Gardeners', invitedBy: 'alice@example.org', signInUrl: 'http://grants.test/sign-in' },
  },
  'application-sent': {
    data: { title: 'Bees', roundName: 'Summer round 2026', reference: 'PZ-1234ABCD', answers: ['Project name: Bees', 'Summary: Hives on the allotment'], decisionsBy: '2026-07-26T16:00:00Z', applicationUrl: 'http://grants.test/my/applications/a1' },
  },
  'draft-reminder': {
    data: { draftTitle: 'Bees for Bell Foundry', roundName: 'Summer round 2026', closesAt: '2026-06-14T16:00:00Z', applicationUrl: 'http://grants.test/my/applications/a1' },
  },
};

function mailOf(template: TemplateName, to = ALICE, overrides: Record<string, unknown> = {}): OutgoingMail {
  const sample = SAMPLES[template];
  return { to, template, data: { ...sample.data, ...overrides }, ...(sample.unsubscribeUrl ? { unsubscribeUrl: sample.unsubscribeUrl } : {}) };
}

const context: CommandContext = {
  actor: { sub: 'notifications', role: 'system' },
  now: '2026-05-04T08:00:00.000Z',
  correlationId: 'mailer-test',
};

describe('email templates', () => {
  const templates = new MailTemplates();

  it.each([
    ['round-alert', 'New grant round: People Zones Grants 2026-27 Round 1 opens on Monday 1 June 2026', [
      // 08:00Z in June is 9am in the UK (BST); 17:30Z in January is 5:30pm (GMT).
      'Opens: Monday 1 June 2026, 9:00am',
      'Closes: Monday 11 January 2027, 5:30pm',
      'For projects in: Bell Foundry and New Parks',
      'Themes: Pride of Place and Community Safety',
      'guidance pack and an example of a successful bid',
      'http://grants.test/rounds/r-1',
      UNSUBSCRIBE,
    ]],
    ['round-open', 'Applications are now open: People Zones Grants 2026-27 Round 1', [
      'Monday 29 June 2026, 5:00pm',
      'Applications that have not been submitted by then cannot be considered',
      'http://grants.test/rounds/r-1',
      UNSUBSCRIBE,
    ]],
    ['round-closing', 'Closing soon: People Zones Grants 2026-27 Round 1', [
      'Monday 29 June 2026, 5:00pm',
      'A draft that has not been submitted cannot be considered',
      'http://grants.test/rounds/r-1',
      UNSUBSCRIBE,
    ]],
    ['grantee-reminder', 'Reminder: your quarterly monitoring return is due on Wednesday 30 September 2026', [
      'Hello Friends of Bell Foundry',
      'Bell Foundry Community Garden',
      'It is fine to tell us that things are not going to plan',
      'http://grants.test/applications/a-1',
    ]],
    ['rag-alert', 'RAG rating now Amber: Bell Foundry Community Garden', [
      'Organisation: Friends of Bell Foundry',
      'Rating: Green to Amber',
      'Reason: The first quarterly return is 8 days overdue',
      'http://grants.test/applications/a-1',
    ]],
  ] as [TemplateName, string, string[]][])('%s renders its subject, text and HTML', (template, subject, phrases) => {
    const { data, unsubscribeUrl } = SAMPLES[template];
    const rendered = templates.render(template, data, { unsubscribeUrl });
    expect(rendered.subject).toBe(subject);
    for (const phrase of phrases) {
      expect(rendered.text).toContain(phrase);
      // The HTML escapes `=` in the link's query; decoding it back must give the same text.
      expect(rendered.html.replace(/&#x3D;/g, '=')).toContain(phrase);
    }
    expect(rendered.html).toMatch(/^<!doctype html>/);
    if (unsubscribeUrl) expect(rendered.text).toMatch(/unsubscribe/i);
    else expect(rendered.text).not.toMatch(/unsubscribe/i);
  });

  it('words each kind of grantee reminder for what is due', () => {
    const render = (kind: string) => templates.render('grantee-reminder', { ...SAMPLES['grantee-reminder'].data, kind });
    expect(render('check-in').subject).toContain('first-month check-in');
    expect(render('check-in').text).toContain('support early');
    expect(render('return').text).toContain('not going to plan');
    expect(render('case-study').subject).toContain('end-of-project case study');
    expect(render('case-study').text).toContain('last step of your grant');
    expect(render('case-study').text).not.toContain('quarterly');
  });

  it('escapes every value in the HTML, and never runs a value as a template', () => {
    const hostile = 'Fish & Chips <script>alert("x")</script> {{roundUrl}} {{> layout}}';
    const FREE_TEXT = ['roundName', 'grantTitle', 'organisationName', 'reason', 'invitedTo', 'invitedBy', 'title', 'draftTitle'];
    // The sign-in link's mail holds no free text at all: only its URL and time.
    for (const template of (Object.keys(SAMPLES) as TemplateName[]).filter((t) => t !== 'sign-in-link')) {
      const { data, unsubscribeUrl } = SAMPLES[template];
      const tainted = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, FREE_TEXT.includes(k) ? hostile : v]));
      const zones = { ...('zones' in data ? { zones: [hostile] } : {}), ...('themes' in data ? { themes: [hostile] } : {}) };
      const rendered = templates.render(template, { ...tainted, ...zones }, { unsubscribeUrl });

      expect(rendered.html).not.toContain('<script>');
      expect(rendered.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(rendered.html).toContain('Fish &amp; Chips');
      // `{{roundUrl}}` in a value stays those characters: it was never compiled.
      expect(rendered.html).toContain('{{roundUrl}} {{&gt; layout}}');
      // Plain text is not HTML: the value arrives exactly as given, with no entities.
      expect(rendered.text).toContain(hostile);
      // (These subjects hold no value: the reminder's names the item, the others are fixed.)
      if (!['grantee-reminder', 'subscription-confirm', 'invitation'].includes(template)) expect(rendered.subject).toContain(hostile);
    }
  });

  it('keeps a line break in a value out of the subject', () => {
    const rendered = templates.render('rag-alert', { ...SAMPLES['rag-alert'].data, grantTitle: 'Garden\r\nBcc: eve@example.org' });
    expect(rendered.subject).toBe('RAG rating now Amber: Garden Bcc: eve@example.org');
  });

  it('names every problem with the data at once, and refuses links that are not http(s)', () => {
    let error: unknown;
    try {
      templates.render('round-alert', {
        zones: 'Bell Foundry',
        themes: [],
        opensAt: '2026-06-01 09:00',
        closesAt: '2026-06-29T16:00:00',
        roundUrl: 'javascript:alert(1)',
        roundname: 'misspelt',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateDataError);
    const problems = (error as TemplateDataError).problems.join('\n');
    for (const expected of ['roundName is required', 'zones must be a list', 'opensAt must be an ISO 8601', 'closesAt must be an ISO 8601',
      'roundUrl must be an absolute http(s) URL', 'roundname is not a field', 'unsubscribeUrl is required']) {
      expect(problems).toContain(expected);
    }
  });

  it('requires an unsubscribe link on subscriber mail and refuses one on staff and grantee mail', () => {
    expect(() => templates.render('round-open', SAMPLES['round-open'].data)).toThrow(/unsubscribeUrl is required/);
    expect(() => templates.render('rag-alert', SAMPLES['rag-alert'].data, { unsubscribeUrl: UNSUBSCRIBE })).toThrow(/takes no unsubscribeUrl/);
    expect(() => templates.render('grantee-reminder', SAMPLES['grantee-reminder'].data, { unsubscribeUrl: UNSUBSCRIBE })).toThrow(
      /takes no unsubscribeUrl/,
    );
  });
});

/** A temp folder with an event store file, the vault over the same file, and config pointing at them. */
function workspace(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pz-mail-'));
  const sqlitePath = join(dir, 'grants.sqlite');
  const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET, SQLITE_PATH: sqlitePath, OUTBOX_DIR: join(dir, 'outbox'), ...env });
  const store = new SqliteEventStore({ path: sqlitePath });
  const db = new Database(sqlitePath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const vault = new PersonalDataVault(new SqlitePersonalDataKeys(db), { personIdSecret: deriveSecret(SECRET, 'person-id') });
  return {
    dir,
    config,
    store,
    db,
    vault,
    async close() {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('Mailer over SMTP (real in-process server)', () => {
  let smtp: TestSmtpServer;
  let ws: ReturnType<typeof workspace>;
  let mailer: Mailer;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    ws = workspace({ SMTP_URL: smtp.url });
    mailer = new Mailer(ws.config);
  });

  afterEach(async () => {
    mailer.close();
    await smtp.stop();
    await ws.close();
  });

  it('delivers subscriber mail from MAIL_FROM with List-Unsubscribe for one-click unsubscribe', async () => {
    expect(mailer.mode).toBe('smtp');
    const { messageId } = await mailer.send(mailOf('round-alert'));

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.envelope).toEqual({ from: 'grants@localhost', to: [ALICE] });
    expect(mail.from).toBe('"People Zones Grants" <grants@localhost>');
    expect(mail.to).toBe(ALICE);
    expect(mail.subject).toBe('New grant round: People Zones Grants 2026-27 Round 1 opens on Monday 1 June 2026');
    expect(mail.messageId).toBe(messageId);
    expect(messageId).toMatch(/^<[0-9a-f-]{36}@localhost>$/);
    expect(mail.header('List-Unsubscribe')).toBe(`<${UNSUBSCRIBE}>`);
    expect(mail.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.header('Auto-Submitted')).toBe('auto-generated');
    expect(mail.text).toContain(UNSUBSCRIBE);
    expect(mail.html).toContain('Unsubscribe from these alerts');
    expect(mail.text).toContain('Opens: Monday 1 June 2026, 9:00am');
  });

  it('points List-Unsubscribe at the one-click address and the body at the page, when they differ', async () => {
    const oneClick = 'http://grants.test/subscriptions/unsubscribe?token=u.sub-1.req-1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const page = 'http://grants.test/alerts/unsubscribe?token=u.sub-1.req-1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    await mailer.send({ ...mailOf('round-open'), unsubscribeUrl: page, oneClickUnsubscribeUrl: oneClick });
    const mail = smtp.messages[0];
    expect(mail.header('List-Unsubscribe')).toBe(`<${oneClick}>`);
    expect(mail.text).toContain(page);
    expect(mail.text).not.toContain(oneClick);
  });

  it('sends staff mail without any unsubscribe header or link', async () => {
    await mailer.send(mailOf('rag-alert', 'staff@opcc.example'));
    const mail = smtp.messages[0];
    expect(mail.envelope.to).toEqual(['staff@opcc.example']);
    expect(mail.subject).toBe('RAG rating now Amber: Bell Foundry Community Garden');
    expect(mail.header('List-Unsubscribe')).toBeUndefined();
    expect(mail.header('List-Unsubscribe-Post')).toBeUndefined();
    expect(mail.raw.toLowerCase()).not.toContain('unsubscribe');
  });

  it('reuses one pooled connection for a batch of mails', async () => {
    for (let i = 0; i < 3; i++) await mailer.send(mailOf('round-open', `subscriber${i}@example.org`));
    expect(smtp.messages).toHaveLength(3);
    expect(smtp.connections).toBe(1);
  });

  it('refuses a recipient that could inject a header or reach a second person, before contacting the server', async () => {
    for (const to of [`${ALICE}\r\nBcc: eve@example.org`, `${ALICE}\nX-Evil: 1`, `${ALICE}, eve@example.org`, 'Alice <alice@example.org>', 'not-an-address']) {
      await expect(mailer.send(mailOf('rag-alert', to))).rejects.toBeInstanceOf(InvalidRecipientError);
    }
    await expect(mailer.send(mailOf('rag-alert', `${ALICE}\r\nBcc: eve@example.org`))).rejects.toThrow(/line break/);
    expect(smtp.connections).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('rejects on a temporary refusal (451) without the address in the error, so the job can retry', async () => {
    smtp.failNext(1, { code: 451, message: `Mailbox ${ALICE} busy, try again later` });
    const failure = await mailer.send(mailOf('round-open')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(MailDeliveryError);
    expect(failure).toMatchObject({ responseCode: 451, permanent: false });
    expect(String((failure as Error).message)).toContain('451');
    expect(String((failure as Error).message).toLowerCase()).not.toContain('alice');
    expect(smtp.messages).toHaveLength(0);

    await mailer.send(mailOf('round-open'));
    expect(smtp.messages).toHaveLength(1);
  });

  it('marks a permanent refusal (550) as permanent', async () => {
    smtp.failNext(1, { code: 550, message: 'No such user here' });
    await expect(mailer.send(mailOf('round-open'))).rejects.toMatchObject({ responseCode: 550, permanent: true });
  });

  it('rejects while the server is down and delivers again once it is back', async () => {
    await mailer.send(mailOf('round-open'));
    await smtp.down();
    await expect(mailer.send(mailOf('round-closing'))).rejects.toBeInstanceOf(MailDeliveryError);
    await smtp.up();
    await mailer.send(mailOf('round-closing'));
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      'Applications are now open: People Zones Grants 2026-27 Round 1',
      'Closing soon: People Zones Grants 2026-27 Round 1',
    ]);
  });

  it('refuses to send once closed', async () => {
    mailer.close();
    await expect(mailer.send(mailOf('round-open'))).rejects.toThrow(/closed/);
  });

  it('verifies the server', async () => {
    await expect(mailer.verify()).resolves.toBeUndefined();
    await smtp.down();
    await expect(mailer.verify()).rejects.toBeInstanceOf(MailDeliveryError);
  });
});

describe('Mailer without SMTP_URL (outbox)', () => {
  let ws: ReturnType<typeof workspace>;

  beforeEach(() => {
    ws = workspace();
  });

  afterEach(() => ws.close());

  it('writes each mail as a parseable .eml file into OUTBOX_DIR', async () => {
    const mailer = new Mailer(ws.config);
    expect(mailer.mode).toBe('outbox');
    const { messageId } = await mailer.send(mailOf('round-closing'));
    await mailer.send(mailOf('grantee-reminder', 'contact@group.example'));

    const files = readdirSync(ws.config.outboxDir).sort();
    expect(files).toHaveLength(2); // and no half-written `.partial` file left behind
    expect(files[0]).toMatch(/^\d{8}T\d{9}Z-[0-9a-f-]{36}\.eml$/);

    const file = files.find((f) => f.endsWith(`-${messageId.slice(1, 37)}.eml`));
    expect(file).toBeDefined();
    const raw = readFileSync(join(ws.config.outboxDir, file!));
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.subject).toBe('Closing soon: People Zones Grants 2026-27 Round 1');
    expect(parsed.from?.text).toBe('"People Zones Grants" <grants@localhost>');
    expect((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.text).toBe(ALICE);
    expect(parsed.text).toContain('Monday 29 June 2026, 5:00pm');
    expect(parsed.html).toContain('closes soon');
    const listUnsubscribe = parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(listUnsubscribe).toBe(`List-Unsubscribe: <${UNSUBSCRIBE}>`);
    await mailer.verify();
    mailer.close();
  });
});

describe('SentMail.sendOnce (real SQLite event store)', () => {
  let smtp: TestSmtpServer;
  let ws: ReturnType<typeof workspace>;
  let mailer: Mailer;
  let sent: SentMail;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    ws = workspace({ SMTP_URL: smtp.url });
    mailer = new Mailer(ws.config);
    sent = new SentMail(ws.store, mailer, ws.vault);
  });

  afterEach(async () => {
    mailer.close();
    await smtp.stop();
    await ws.close();
  });

  const KEY = 'round-alert:r-1:sub-1';

  it('sends once for one key even when called twice at the same time, and records it without the address', async () => {
    const outcomes = await Promise.all([sent.sendOnce(mailOf('round-alert'), KEY, context), sent.sendOnce(mailOf('round-alert'), KEY, context)]);

    expect(outcomes.sort()).toEqual(['already-sent', 'sent']);
    expect(smtp.messages).toHaveLength(1);
    const expectedId = messageIdFor(KEY, 'localhost');
    expect(smtp.messages[0].messageId).toBe(expectedId);

    const stream = await ws.store.readStream(emailStreamId(KEY));
    expect(stream).toHaveLength(1);
    expect(stream[0].type).toBe(EMAIL_SENT);
    const data = stream[0].data as EmailSentData;
    expect(data).toEqual({
      dedupeKey: KEY,
      template: 'round-alert',
      to: await ws.vault.personIdFor(ALICE),
      messageId: expectedId,
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(stream[0].metadata).toMatchObject({ actor: context.actor, occurredAt: context.now, correlationId: 'mailer-test' });
    // The stream id is the Message-ID's local part: a mail in a mailbox leads to its record.
    expect(emailStreamId(KEY)).toBe(`email-${expectedId.slice(1, 37)}`);

    const everything = JSON.stringify(await ws.store.readAll()).toLowerCase();
    expect(everything).not.toContain('alice');
    expect(everything).not.toContain('example.org');

    expect(await sent.sendOnce(mailOf('round-alert'), KEY, context)).toBe('already-sent');
    expect(await sent.wasSent(KEY)).toBe(true);
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends again for a different key', async () => {
    expect(await sent.sendOnce(mailOf('round-alert'), 'round-alert:r-1:sub-1', context)).toBe('sent');
    expect(await sent.sendOnce(mailOf('round-alert'), 'round-alert:r-2:sub-1', context)).toBe('sent');
    expect(smtp.messages).toHaveLength(2);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(2);
  });

  it('two workers racing on one key: one record, and any copy that went out carries the same Message-ID', async () => {
    // A second process: its own store connection on the same file, its own mailer and vault.
    const otherStore = new SqliteEventStore({ path: ws.config.sqlitePath });
    const otherMailer = new Mailer(ws.config);
    const other = new SentMail(otherStore, otherMailer, ws.vault);
    try {
      const outcomes = await Promise.all([sent.sendOnce(mailOf('round-open'), KEY, context), other.sendOnce(mailOf('round-open'), KEY, context)]);
      expect(outcomes.sort()).toEqual(['already-sent', 'sent']);
      expect(await ws.store.readStream(emailStreamId(KEY))).toHaveLength(1);
      expect(smtp.messages.length).toBeGreaterThanOrEqual(1);
      expect(new Set(smtp.messages.map((m) => m.messageId))).toEqual(new Set([messageIdFor(KEY, 'localhost')]));
    } finally {
      otherMailer.close();
      await otherStore.close();
    }
  });

  it('records nothing when the server refuses (451), so a retry sends it', async () => {
    smtp.failNext(1);
    await expect(sent.sendOnce(mailOf('round-open'), KEY, context)).rejects.toMatchObject({ responseCode: 451 });
    expect(await ws.store.readAll()).toEqual([]);
    expect(await sent.wasSent(KEY)).toBe(false);

    expect(await sent.sendOnce(mailOf('round-open'), KEY, context)).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
    expect(await ws.store.readStream(emailStreamId(KEY))).toHaveLength(1);
  });

  it('records nothing while the server is down', async () => {
    await smtp.down();
    await expect(sent.sendOnce(mailOf('round-open'), KEY, context)).rejects.toBeInstanceOf(MailDeliveryError);
    expect(await ws.store.readAll()).toEqual([]);
  });

  it('refuses a dedupe key that holds an address, before sending anything', async () => {
    await expect(sent.sendOnce(mailOf('round-open'), `round-open:r-1:${ALICE}`, context)).rejects.toThrow(/must not contain an email address/);
    expect(smtp.connections).toBe(0);
  });

  it('records nothing for mail the templates refuse', async () => {
    await expect(sent.sendOnce({ ...mailOf('round-open'), unsubscribeUrl: undefined }, KEY, context)).rejects.toBeInstanceOf(TemplateDataError);
    expect(await ws.store.readAll()).toEqual([]);
    expect(smtp.connections).toBe(0);
  });
});

describe('NotificationsMailModule', () => {
  it('provides Mailer and SentMail to a Nest application, and closes the pool on shutdown', async () => {
    const smtp = await startSmtpServer();
    const ws = workspace({ SMTP_URL: smtp.url });

    // Stands in for PlatformModule, which is global in every app.
    @Global()
    @Module({
      providers: [
        { provide: APP_CONFIG, useValue: ws.config },
        { provide: EVENT_STORE, useValue: ws.store },
        { provide: SQLITE_CONNECTIONS, useValue: { readModels: ws.db, records: ws.db } },
      ],
      exports: [APP_CONFIG, EVENT_STORE, SQLITE_CONNECTIONS],
    })
    class FakePlatform {}

    const moduleRef = await Test.createTestingModule({ imports: [FakePlatform, NotificationsMailModule] }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.init();
    try {
      const sentMail = app.get(SentMail);
      expect(await sentMail.sendOnce(mailOf('grantee-reminder'), 'grantee-reminder:a-1:return-1', context)).toBe('sent');
      expect(smtp.messages).toHaveLength(1);
      expect(app.get(Mailer).mode).toBe('smtp');
    } finally {
      await app.close();
    }
    // Closed by the app: the mailer no longer sends.
    await expect(app.get(Mailer).send(mailOf('rag-alert'))).rejects.toThrow(/closed/);
    await smtp.stop();
    await ws.close();
  });
});
