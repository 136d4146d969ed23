import request from 'supertest';
import { followEmailedLink } from './support/pages';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { ReceivedMail, startSmtpServer, TestSmtpServer } from './support/smtp';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { bearer, startTestApp, TestApp } from './support/test-app';

/** The monitoring and alert policy shrunk from weeks to seconds. */
const FAST_POLICY = {
  ROUND_ALERT_LEAD: 'PT2S',
  REMINDER_LEAD: 'PT1S',
  FIRST_CHECKIN_AFTER: 'PT3S',
  MONITORING_INTERVAL: 'PT40S',
  RAG_AMBER_AFTER: 'PT2S',
  RAG_RED_AFTER: 'PT4S',
  STAFF_ALERT_EMAILS: 'grants-team@opcc.example',
  SWEEP_INTERVAL: 'PT1H',
};

const to = (address: string) => (m: ReceivedMail) => m.envelope.to.includes(address);

describe('Scheduled alerts, reminders and RAG email (real Redis, real SMTP)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp | undefined;

  beforeEach(async () => {
    smtp = await startSmtpServer();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await smtp.stop();
  });

  /** The link of that kind in a mail's text, as a path on this server. */
  const linkIn = (text: string, kind: 'confirm' | 'unsubscribe') => {
    const url = new RegExp(`https?://\\S+/alerts/${kind}\\?token=\\S+`).exec(text)?.[0];
    if (!url) throw new Error(`no ${kind} link in the mail`);
    const { pathname, search } = new URL(url);
    return `${pathname}${search}`;
  };

  /** Asks for alerts and confirms them from the confirmation email, as a person would: its link opens a page, whose button confirms. */
  async function subscribe(email: string, zones: string[]) {
    await request(t!.http).post('/subscriptions').send({ email, zones }).expect(202);
    const mail = await smtp.waitFor((m) => to(email)(m) && /Confirm your People Zones grant alerts/.test(m.subject), 10_000);
    const confirm = linkIn(mail.text, 'confirm');
    expect((await followEmailedLink(t!, confirm)).text).toContain('Your email alerts are set up');
  }

  it('reminds an organisation of a draft it has not sent shortly before the round closes; a sent one is not reminded', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url });
    const round = await scheduleRound(t, { name: 'Draft reminder round', closesInMs: 4000 });
    const drafter = t.token({ role: 'applicant', sub: 'drafter', org: 'org-drafts', email: 'drafter@org-drafts.example' });
    await request(t.http).post(`/rounds/${round.id}/applications`).set(bearer(drafter)).send({ title: 'Half-written bid' }).expect(201);
    await openAndSubmit(t, round.id, 'org-sent');
    const reminder = await smtp.waitFor((m) => to('drafter@org-drafts.example')(m) && /not been sent/.test(m.subject), 10_000);
    expect(reminder.text).toContain('Half-written bid');
    expect(reminder.text).toMatch(/\/my\/applications\//);
    await waitUntilPast(round.closesAt);
    expect(smtp.messages.filter((m) => /not been sent/.test(m.subject)).map((m) => m.envelope.to)).toEqual([['drafter@org-drafts.example']]);
  }, 30_000);

  it('alerts subscribers of the round zones ahead of opening, not before the lead time, and never the unsubscribed', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url });
    await subscribe('near@residents.example', ['bell-foundry']);
    await subscribe('elsewhere@residents.example', ['thringstone-whitwick']);
    await subscribe('leaver@residents.example', []);
    // Asked, but never confirmed from the email: no alert may go to this address.
    await request(t.http).post('/subscriptions').send({ email: 'unconfirmed@residents.example', zones: [] }).expect(202);
    await smtp.waitFor((m) => to('unconfirmed@residents.example')(m) && /Confirm/.test(m.subject), 10_000);
    // The leaver's unsubscribe link: opening it changes nothing, its page's button does.
    const { SubscriptionLinks, SubscriptionsQueries } = await import('@pz/subscriptions');
    const { PersonalDataVault } = await import('@pz/people');
    const leaver = await t.app.get(PersonalDataVault).personIdFor('leaver@residents.example');
    const unsubscribe = linkIn(t.app.get(SubscriptionLinks).unsubscribeUrl(leaver, (await t.app.get(SubscriptionsQueries).get(leaver))!.epoch!), 'unsubscribe');
    expect((await t.app.get(SubscriptionsQueries).get(leaver))!.active).toBe(true);
    expect((await followEmailedLink(t, unsubscribe)).text).toContain('You have been unsubscribed');

    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const opensAt = new Date(Date.now() + 5000);
    const round = (
      await request(t.http)
        .post('/rounds')
        .set(staff)
        .send({
          name: 'Spring round',
          financialYear: financialYearOf(opensAt),
          kind: 'standard',
          zones: ['bell-foundry', 'new-parks'],
          themes: ['Pride of Place'],
          opensAt: opensAt.toISOString(),
          closesAt: new Date(opensAt.getTime() + 60_000).toISOString(),
          budgetPence: 1_000_000,
        })
        .expect(201)
    ).body;

    const alert = await smtp.waitFor((m) => to('near@residents.example')(m) && /Spring round/.test(m.subject), 10_000);
    const receivedAt = Date.now();
    expect(receivedAt).toBeGreaterThanOrEqual(Date.parse(round.announceAt));
    expect(receivedAt).toBeLessThan(Date.parse(round.opensAt));
    expect(alert.header('list-unsubscribe')).toMatch(/^<http:\/\/localhost:\d+\/subscriptions\/unsubscribe\?token=/);
    expect(alert.text).toContain('Spring round');

    const opened = await smtp.waitFor((m) => to('near@residents.example')(m) && m.messageId !== alert.messageId && !/Confirm/.test(m.subject), 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(round.opensAt));
    expect(opened.subject).toMatch(/open/i);

    const subjectsTo = (address: string) => smtp.messages.filter(to(address)).map((m) => m.subject);
    expect(subjectsTo('elsewhere@residents.example')).toEqual(['Confirm your People Zones grant alerts']);
    expect(subjectsTo('leaver@residents.example')).toEqual(['Confirm your People Zones grant alerts']);
    expect(subjectsTo('unconfirmed@residents.example')).toEqual(['Confirm your People Zones grant alerts']);
    // Each mail is recorded as an event, without the address.
    // (The record is appended just after the server accepts the mail, so give it a moment.)
    const store = t.app.get<EventStore>(EVENT_STORE);
    const sentEvents = async () => (await store.readAll()).filter((e) => e.type === 'EmailSent');
    for (let i = 0; i < 50 && (await sentEvents()).length < smtp.messages.length; i++) await new Promise((r) => setTimeout(r, 50));
    const sent = await sentEvents();
    expect(sent.length).toBe(smtp.messages.length);
    expect(JSON.stringify(sent)).not.toContain('near@residents.example');
  }, 30_000);

  it('moves alerts with a rescheduled round and drops them for a cancelled one', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url });
    await subscribe('watcher@residents.example', []);
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const make = async (name: string, inMs: number) => {
      const opensAt = new Date(Date.now() + inMs);
      return (
        await request(t!.http)
          .post('/rounds')
          .set(staff)
          .send({
            name,
            financialYear: financialYearOf(opensAt),
            kind: 'standard',
            zones: ['new-parks'],
            themes: ['Community Safety'],
            opensAt: opensAt.toISOString(),
            closesAt: new Date(opensAt.getTime() + 60_000).toISOString(),
            budgetPence: 500_000,
          })
          .expect(201)
      ).body as { id: string; opensAt: string };
    };
    const moved = await make('Moved round', 4000);
    const cancelled = await make('Cancelled round', 4000);
    const newOpening = new Date(Date.now() + 8000).toISOString();
    const rescheduled = (await request(t.http).patch(`/rounds/${moved.id}`).set(staff).send({ opensAt: newOpening }).expect(200)).body;
    await request(t.http).post(`/rounds/${cancelled.id}/cancel`).set(staff).send({ reason: 'Budget withdrawn' }).expect(200);

    const alert = await smtp.waitFor((m) => /Moved round/.test(m.subject), 12_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(rescheduled.announceAt));
    expect(alert.envelope.to).toEqual(['watcher@residents.example']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.filter((m) => /Cancelled round/.test(m.subject))).toEqual([]);
    expect(smtp.messages.filter((m) => /Moved round/.test(m.subject) && /announce|opens on|coming/i.test(m.subject))).toHaveLength(1);
  }, 30_000);

  it('reminds the grantee, turns an unfiled check-in Amber then Red with a staff email each time, and back to Green when it arrives', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url });
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const grantee = bearer(t.token({ role: 'applicant', sub: 'user-org-g', org: 'org-g', email: 'org-g@example.org' }));
    const round = await scheduleRound(t, { closesInMs: 1200 });
    const id = await openAndSubmit(t, round.id, 'org-g', { contactEmail: 'coordinator@org-g.example' });
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(staff).send({ amountPence: 300_000 }).expect(200);

    // (The application's receipt went to the same address when it was sent: the reminder is the one that is not it.)
    const reminder = await smtp.waitFor((m) => to('coordinator@org-g.example')(m) && !/Application sent/.test(m.subject), 8000);
    expect(reminder.text).toMatch(/check-in/i);

    const amber = await smtp.waitFor((m) => to('grants-team@opcc.example')(m) && /amber/i.test(m.subject), 10_000);
    expect(amber.text).toMatch(/overdue/);
    const red = await smtp.waitFor((m) => to('grants-team@opcc.example')(m) && /red/i.test(m.subject), 10_000);
    expect(red.text).toMatch(/overdue/);
    const board = (await request(t.http).get('/monitoring/rag').set(staff).expect(200)).body;
    expect(board[0]).toMatchObject({ applicationId: id, rag: 'red', ragBy: 'system', overdue: [expect.objectContaining({ key: 'check-in' })] });

    const late = await request(t.http).post(`/applications/${id}/check-in`).set(grantee).send({ summary: 'Sorry, late: we have started', supportNeeded: 'none' }).expect(201);
    expect(late.body).toMatchObject({ rag: 'green', ragReason: 'Monitoring is up to date' });
    await request(t.http)
      .post(`/applications/${id}/monitoring-returns`)
      .set(grantee)
      .send({ period: 'Quarter 1', spentPence: 100_000, beneficiaries: 20, progress: 'Going well', onTrack: true })
      .expect(201);
    const closed = await request(t.http)
      .post(`/applications/${id}/case-study`)
      .set(grantee)
      .send({ title: 'Story', summary: 'What happened', outcomes: 'Outcomes', beneficiaries: 20, lessons: 'Lessons', sustainability: 'Next year', consentToPublish: true })
      .expect(201);
    expect(closed.body.status).toBe('closed');

    // One mail per move to Amber or Red: none for the return to Green.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages.filter(to('grants-team@opcc.example'))).toHaveLength(2);
    const ratings = (await t.app.get<EventStore>(EVENT_STORE).readStream(`application-${id}`))
      .filter((e) => e.type === 'GrantRagRated')
      .map((e) => (e.data as { rating: string; by: string }).rating);
    expect(ratings).toEqual(['amber', 'red', 'green']);
  }, 40_000);

  it('accepts commands while Redis is unreachable, and does every job and email once it is back', async () => {
    const proxy: TcpProxy = await startTcpProxy('127.0.0.1', Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379));
    try {
      t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
      await subscribe('patient@residents.example', ['bell-foundry']);
      await proxy.down();

      const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
      const opensAt = new Date(Date.now() + 6000);
      await request(t.http)
        .post('/rounds')
        .set(staff)
        .send({
          name: 'Outage round',
          financialYear: financialYearOf(opensAt),
          kind: 'standard',
          zones: ['bell-foundry'],
          themes: ['Pride of Place'],
          opensAt: opensAt.toISOString(),
          closesAt: new Date(opensAt.getTime() + 60_000).toISOString(),
          budgetPence: 500_000,
        })
        .expect(201);
      expect((await request(t.http).get('/health')).body.checks.redis).toBe('error');
      await new Promise((r) => setTimeout(r, 2500));
      // Nothing but the confirmation, sent before the outage.
      expect(smtp.messages.map((m) => m.subject)).toEqual(['Confirm your People Zones grant alerts']);

      await proxy.up();
      const alert = await smtp.waitFor((m) => /Outage round/.test(m.subject), 15_000);
      expect(alert.envelope.to).toEqual(['patient@residents.example']);
      await smtp.waitFor((m) => /Outage round/.test(m.subject) && m.messageId !== alert.messageId, 15_000);
      await new Promise((r) => setTimeout(r, 1500));
      // Exactly the announcement and the opening notice: nothing lost, nothing twice.
      expect(smtp.messages.filter((m) => /Outage round/.test(m.subject))).toHaveLength(2);
      expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
    } finally {
      await t?.close();
      t = undefined;
      await proxy.close();
    }
  }, 60_000);

  it('brings back jobs lost from Redis with the periodic sweep', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url, FIRST_CHECKIN_AFTER: 'PT6S', SWEEP_INTERVAL: 'PT1S' });
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const round = await scheduleRound(t, { closesInMs: 1200 });
    const id = await openAndSubmit(t, round.id, 'org-s', { contactEmail: 'swept@org-s.example' });
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(staff).send({ amountPence: 100_000 }).expect(200);
    const { WorkQueue } = await import('@pz/notifications');
    const queue = t.app.get(WorkQueue, { strict: false }).queue;
    // Wait until the planner has queued the reminder, then lose it as a flushed Redis would.
    const plannedReminder = async () => (await queue.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(`reminder.${id}.check-in.`));
    let planned = await plannedReminder();
    for (let i = 0; i < 100 && !planned; i++) planned = await new Promise((r) => setTimeout(r, 50)).then(plannedReminder);
    await queue.remove(planned!.id!);
    expect(await queue.getJob(planned!.id!)).toBeUndefined();

    const reminder = await smtp.waitFor((m) => to('swept@org-s.example')(m) && !/Application sent/.test(m.subject), 10_000);
    expect(reminder.text).toMatch(/check-in/i);
  }, 30_000);

  it('retries mail while the SMTP server is down and delivers it once it is back', async () => {
    t = await startTestApp({ ...FAST_POLICY, SMTP_URL: smtp.url });
    await subscribe('resilient@residents.example', ['new-parks']);
    smtp.failNext(2);
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const opensAt = new Date(Date.now() + 3000);
    await request(t.http)
      .post('/rounds')
      .set(staff)
      .send({
        name: 'Flaky mail round',
        financialYear: financialYearOf(opensAt),
        kind: 'standard',
        zones: ['new-parks'],
        themes: ['Community Safety'],
        opensAt: opensAt.toISOString(),
        closesAt: new Date(opensAt.getTime() + 60_000).toISOString(),
        budgetPence: 500_000,
      })
      .expect(201);
    const mail = await smtp.waitFor((m) => /Flaky mail round/.test(m.subject), 15_000);
    expect(mail.envelope.to).toEqual(['resilient@residents.example']);
    expect(smtp.messages.filter((m) => /Flaky mail round/.test(m.subject) && m.messageId === mail.messageId)).toHaveLength(1);
  }, 30_000);
});
