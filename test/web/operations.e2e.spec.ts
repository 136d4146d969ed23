import { Job } from 'bullmq';
import { WorkQueue } from '@pz/notifications';
import { openAndSubmit, scheduleRound } from '../support/journey';
import { SignInLinks } from '@pz/identity';
import { browserAgent, csrfTokenIn, errorSummaryOf } from '../support/pages';
import { Agent, grantRole } from '../support/sign-in';
import { startSmtpServer, TestSmtpServer } from '../support/smtp';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Staff see failed emails and jobs and try them again (web.md), through the same service as
 * `/operations/jobs`. The failure is a real one: a RAG alert email the mail server refuses, run
 * once by the app's own worker; tried again once the server takes mail, it is sent.
 */
describe('failed emails and jobs, for staff', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let staff: Agent;
  let job: Job;

  async function until<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ SMTP_URL: smtp.url, STAFF_ALERT_EMAILS: 'duty.officer@example.org' });
    await grantRole(t, 'ops.staff@example.org', 'staff');
    // Signed in with the link the mail server received (this app sends mail by SMTP, not to the outbox).
    await t.app.get(SignInLinks).send('ops.staff@example.org', null);
    const link = /https?:\/\/\S+(\/sign-in\/link\?token=[A-Za-z0-9_-]+)/.exec((await smtp.waitFor((m) => m.to.includes('ops.staff@example.org'))).text)![1];
    staff = browserAgent(t);
    const linkPage = await staff.get(link).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(linkPage.text)![1];
    await staff.post('/sign-in/link').type('form').send({ token, _csrf: csrfTokenIn(linkPage.text) }).expect(303);
    const round = await scheduleRound(t);
    const applicationId = await openAndSubmit(t, round.id, 'org-ops');
    const queue = t.app.get(WorkQueue).queue;
    // The application's receipt goes first, so the refusal below falls on the alert.
    await smtp.waitFor((m) => /Application sent/.test(m.subject), 10_000);
    smtp.failNext(1, { code: 451, message: 'Mailbox busy, try later' });
    job = await queue.add('rag-alert', { applicationId, eventId: 'ops-test', rating: 'red', previous: 'green', reason: 'Test' }, { jobId: 'rag-alert.ops-test', attempts: 1 });
    await until('the job to fail', async () => (await queue.getJob(job.id!))?.isFailed());
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('lists the failed email with what went wrong', async () => {
    const page = (await staff.get('/staff/operations').expect(200)).text;
    expect(page).toContain('RAG alert email to staff');
    expect(page).toContain('rag-alert.ops-test');
    expect(page).toContain('Mailbox busy, try later');
    expect(page).toMatch(/Failed \(1\)/);
  });

  it('tries it again: the worker runs it once more, and the email is sent', async () => {
    const queue = t.app.get(WorkQueue).queue;
    const page = await staff.get('/staff/operations').expect(200);
    const done = await staff.post('/staff/operations/jobs/rag-alert.ops-test/retry').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    expect(done.headers.location).toBe('/staff/operations?retried=rag-alert.ops-test');
    expect((await staff.get(done.headers.location).expect(200)).text).toContain('Job rag-alert.ops-test will be tried again');
    await until('the job to be done', async () => (await queue.getJob(job.id!))?.isCompleted());
    const mail = await smtp.waitFor((m) => m.to.includes('duty.officer@example.org'), 10_000);
    expect(mail.subject).toMatch(/red/i);
    expect((await staff.get('/staff/operations').expect(200)).text).toContain('Nothing has failed.');
  });

  it('a job that has not failed cannot be retried; an unknown list is named', async () => {
    const page = await staff.get('/staff/operations').expect(200);
    await staff.post('/staff/operations/jobs/no-such-job/retry').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(404);
    const bad = await staff.get('/staff/operations?state=broken').expect(400);
    expect(errorSummaryOf(bad.text)).toEqual(['Choose which jobs to show from the list']);
    const completed = (await staff.get('/staff/operations?state=completed').expect(200)).text;
    expect(completed).not.toContain('Try again');
  });
});
