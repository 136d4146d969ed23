import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { SubscriptionsQueries } from '@pz/subscriptions';
import { pounds, ukDateTime } from '@pz/web';
import { scheduleRound, waitUntilPast } from '../support/journey';
import { browserAgent, csrfTokenIn, errorSummaryOf, openForm } from '../support/pages';
import { startSmtpServer, TestSmtpServer } from '../support/smtp';
import { tokenOf } from '../support/subscriptions';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/** The two kinds of route (web.md) and what every page promises, over real HTTP. */
describe('web pages: conventions', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let store: EventStore;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ SMTP_URL: smtp.url });
    store = t.app.get(EVENT_STORE);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  describe('forms and CSRF', () => {
    it('refuses a form POST without its CSRF token, or with another visitor’s, with a 403 page, and records nothing', async () => {
      const mine = browserAgent(t);
      const theirs = browserAgent(t);
      const myToken = await openForm(mine, '/alerts');
      const theirToken = await openForm(theirs, '/alerts');
      const head = await store.headPosition();

      for (const [agent, body] of [
        [mine, { email: 'csrf@example.org' }],
        [mine, { email: 'csrf@example.org', _csrf: theirToken }],
        [mine, { email: 'csrf@example.org', _csrf: 'forged' }],
        [browserAgent(t), { email: 'csrf@example.org', _csrf: myToken }],
      ] as const) {
        const refused = await agent.post('/alerts').type('form').send(body).expect(403);
        expect(refused.headers['content-type']).toMatch(/^text\/html/);
        expect(refused.text).toContain('<title>You cannot do that - People Zones Grants</title>');
      }
      expect(await store.headPosition()).toBe(head);

      await mine.post('/alerts').type('form').send({ email: 'csrf@example.org', _csrf: myToken }).expect(303).expect('location', '/alerts/check-your-email');
      expect(await store.headPosition()).toBeGreaterThan(head);
    });

    it('answers a form with mistakes with every problem named, "Error:" in the title, and what was typed kept', async () => {
      const agent = browserAgent(t);
      const csrf = await openForm(agent, '/alerts');
      const head = await store.headPosition();
      const page = await agent.post('/alerts').type('form').send({ email: 'not-an-email', zones: ['bell-foundry', 'atlantis'], _csrf: csrf }).expect(400);
      expect(page.text).toContain('<title>Error: Get an email when a round opens - People Zones Grants</title>');
      expect(errorSummaryOf(page.text)).toEqual(['Enter an email address in the correct format, like name@example.com', 'Select People Zones from the list']);
      expect(page.text).toContain('value="not-an-email"');
      expect(page.text).toMatch(/name="zones" type="checkbox" value="bell-foundry" checked/);
      expect(await store.headPosition()).toBe(head);
    });

    it('reads forms only on pages, and JSON only on the API', async () => {
      const agent = browserAgent(t);
      const csrf = await openForm(agent, '/alerts');
      // A page does not parse JSON: the token inside it is not seen.
      await agent.post('/alerts').set('Content-Type', 'application/json').send(JSON.stringify({ email: 'json@example.org', _csrf: csrf })).expect(403);
      // The API does not parse forms.
      await request(t.http).post('/subscriptions').type('form').send({ email: 'form@example.org' }).expect(415);
    });
  });

  describe('errors', () => {
    it('shows browsers an error page and API callers JSON', async () => {
      const page = await browserAgent(t).get('/no-such-page').expect(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
      await browserAgent(t).get('/funding/not-a-round').expect(404).expect('content-type', /^text\/html/);

      const api = await request(t.http).get('/no-such-page').set('Accept', 'application/json').expect(404);
      expect(api.body).toMatchObject({ statusCode: 404 });
      const staff = t.token({ role: 'staff', sub: 'staff-1' });
      const withToken = await request(t.http).get('/no-such-page').set('Accept', 'text/html').set(bearer(staff)).expect(404);
      expect(withToken.body).toMatchObject({ statusCode: 404 });
    });
  });

  describe('links in older emails', () => {
    it('sends a browser from the old JSON paths to their pages, and answers API callers as before', async () => {
      const round = await scheduleRound(t, { name: 'Old links round' });
      await browserAgent(t).get(`/rounds/${round.id}`).expect(301).expect('location', `/funding/${round.id}`);
      const id = '5d0c3c4e-8a0b-4c1e-9f7a-2b6d8e0f1a3c';
      await browserAgent(t).get(`/applications/${id}`).expect(301).expect('location', `/my/applications/${id}`);
      await browserAgent(t).get('/subscriptions/confirm?token=c.x.y.z').expect(301).expect('location', '/alerts/confirm?token=c.x.y.z');
      const json = await request(t.http).get(`/rounds/${round.id}`).expect(200);
      expect(json.body).toMatchObject({ id: round.id, name: 'Old links round' });
    });
  });

  describe('security and weight', () => {
    it('gives every page a nonce-based Content-Security-Policy that each of its scripts carries', async () => {
      for (const path of ['/', '/funding', '/alerts', '/no-such-page']) {
        const page = await browserAgent(t).get(path);
        const csp = page.headers['content-security-policy'] as string;
        const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
        expect(nonce).toBeDefined();
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        const scripts = [...page.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        expect(scripts.length).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
        expect(page.headers['cache-control']).toBe('no-store');
      }
      const one = csrfTokenIn((await browserAgent(t).get('/alerts')).text);
      const two = csrfTokenIn((await browserAgent(t).get('/alerts')).text);
      expect(one).not.toBe(two);
    });

    it('compresses pages, serves fingerprinted assets compressed and cached for a year, and leaves the JSON API as it was', async () => {
      const base = await t.listen();
      const get = (path: string, accept = 'text/html') => fetch(base + path, { headers: { 'Accept-Encoding': 'br, gzip', Accept: accept } });
      const page = await get('/guidance');
      expect(page.headers.get('content-encoding')).toBe('br');
      const html = await page.text();
      expect(html).toContain('Guidance for applicants');

      const css = /<link rel="stylesheet" href="(\/assets\/app\.[0-9a-f]{12}\.css)">/.exec(html)?.[1];
      expect(css).toBeDefined();
      const asset = await get(css!, 'text/css');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe('br');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await asset.text()).toContain('.govuk-');
      await request(t.http).get('/assets/manifest.json').expect(404);

      const api = await get('/rounds', 'application/json');
      expect(api.status).toBe(200);
      expect(api.headers.get('content-encoding')).toBeNull();
    });
  });

  describe('public pages', () => {
    it('writes dates in UK time and money in pounds, and pages through long histories of rounds', async () => {
      const fresh = await startTestApp();
      try {
        const past = await Promise.all(Array.from({ length: 21 }, (_, i) => scheduleRound(fresh, { name: `Past round ${String(i).padStart(2, '0')}`, closesInMs: 1500 })));
        const open = await scheduleRound(fresh, { name: 'Open round', budgetPence: 12_000_000 });
        await waitUntilPast(past.map((r) => r.closesAt).sort().at(-1)!);
        const first = await browserAgent(fresh).get('/funding').expect(200);
        expect(first.text).toContain(ukDateTime(open.closesAt));
        expect(first.text).toContain(pounds(12_000_000));
        expect(first.text).toContain('£120,000');
        expect((first.text.match(/Past round \d\d/g) ?? []).length).toBe(20);
        expect(first.text).toContain('href="/funding?page=2"');
        const second = await browserAgent(fresh).get('/funding?page=2').expect(200);
        expect((second.text.match(/Past round \d\d/g) ?? []).length).toBe(1);
      } finally {
        await fresh.close();
      }
    });

    it('checks eligibility one question at a time with GET forms, naming an unanswered question', async () => {
      await scheduleRound(t, { name: 'Bell Foundry round' });
      const unanswered = await browserAgent(t).get('/eligibility/zone?asked=zone').expect(400);
      expect(errorSummaryOf(unanswered.text)).toEqual(['Select where your project will take place']);
      await browserAgent(t).get('/eligibility/zone?asked=zone&zone=bell-foundry').expect(303).expect('location', '/eligibility/group?zone=bell-foundry');
      await browserAgent(t).get('/eligibility/local?zone=bell-foundry&group=community&asked=local&local=yes').expect(303).expect('location', '/eligibility/result?zone=bell-foundry&group=community&local=yes');
      const yes = await browserAgent(t).get('/eligibility/result?zone=bell-foundry&group=community&local=yes').expect(200);
      expect(yes.text).toContain('Your group can apply');
      expect(yes.text).toContain('Bell Foundry round');
      const no = await browserAgent(t).get('/eligibility/result?zone=elsewhere&group=business&local=yes').expect(200);
      expect(no.text).toContain('Your group cannot apply for this grant');
      expect(no.text).toContain('only for projects in a People Zone');
      expect(no.text).toContain('Businesses that share their profits cannot apply');
      // An answer missing from the address goes back to its question.
      await browserAgent(t).get('/eligibility/result?zone=bell-foundry').expect(303).expect('location', '/eligibility/group?zone=bell-foundry');
    });

    it('subscribes to alerts from the pages and confirms from the emailed link; opening the link changes nothing', async () => {
      const email = 'pages.resident@example.org';
      const agent = browserAgent(t);
      const csrf = await openForm(agent, '/alerts');
      await agent.post('/alerts').type('form').send({ email, zones: 'new-parks', _csrf: csrf }).expect(303);
      const mail = await smtp.waitFor((m) => m.to === email, 10_000);
      const link = /https?:\/\/\S+\/alerts\/confirm\?token=[^\s"<>]+/.exec(mail.text)?.[0];
      expect(link).toBeDefined();
      const path = new URL(link!).pathname + new URL(link!).search;

      const queries = t.app.get(SubscriptionsQueries);
      const page = await agent.get(path).expect(200);
      expect(await queries.activeFor(['new-parks'])).toEqual([]);
      const done = await agent.post('/alerts/confirm').type('form').send({ token: tokenOf(link!), _csrf: csrfTokenIn(page.text) }).expect(200);
      expect(done.text).toContain('Your email alerts are set up');
      expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual([email]);

      const [subscriber] = (await queries.activeFor(['new-parks'])).filter((s) => s.email === email);
      const unsubscribePath = new URL(subscriber.unsubscribeUrl).pathname + new URL(subscriber.unsubscribeUrl).search;
      expect(unsubscribePath).toMatch(/^\/alerts\/unsubscribe\?token=/);
      const stop = await agent.get(unsubscribePath).expect(200);
      const stopped = await agent.post('/alerts/unsubscribe').type('form').send({ token: tokenOf(subscriber.unsubscribeUrl), _csrf: csrfTokenIn(stop.text) }).expect(200);
      expect(stopped.text).toContain('You have been unsubscribed');
      expect((await queries.activeFor(['new-parks'])).filter((s) => s.email === email)).toEqual([]);

      const forged = await agent.get('/alerts/confirm?token=c.person-x.y.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
      expect(forged.text).toContain('This link is not valid');
    });
  });
});
