import Database from 'better-sqlite3';
import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { SubscriptionLinks, SubscriptionsQueries } from '@pz/subscriptions';
import { requestSubscription, subscribeConfirmed, tokenOf } from './support/subscriptions';
import { startTestApp, TestApp } from './support/test-app';

const EMAIL = 'Resident.One@Example.org';

describe('Round alert subscriptions through the whole path (double opt-in)', () => {
  let t: TestApp;
  let store: EventStore;
  let queries: SubscriptionsQueries;
  let vault: PersonalDataVault;
  let links: SubscriptionLinks;

  beforeEach(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    queries = t.app.get(SubscriptionsQueries);
    vault = t.app.get(PersonalDataVault);
    links = t.app.get(SubscriptionLinks);
  });
  afterEach(async () => t.close());

  const subscribe = (body: object) => request(t.http).post('/subscriptions').send(body);
  const confirm = (token: string) => request(t.http).post('/subscriptions/confirm').query({ token });
  const unsubscribe = (token: string) => request(t.http).post('/subscriptions/unsubscribe').query({ token });

  /** Every row the store and read models hold, as raw text straight from the SQLite file. */
  function rawFileText(): string {
    const db = new Database(t.config.sqlitePath, { readonly: true });
    try {
      const events = db.prepare('SELECT stream_id, type, data, metadata FROM events').all();
      const docs = db.prepare('SELECT collection, id, doc FROM rm_docs').all();
      return JSON.stringify({ events, docs });
    } finally {
      db.close();
    }
  }

  it('answers 202 "confirmation-sent" with no id, the same for a new, known or subscribed address', async () => {
    const first = await subscribe({ email: EMAIL, zones: ['new-parks'] }).expect(202);
    expect(first.body).toEqual({ status: 'confirmation-sent' });
    const again = await subscribe({ email: EMAIL.toUpperCase(), zones: ['new-parks'] }).expect(202);
    expect(again.body).toEqual(first.body);
    const { confirmToken } = await requestSubscription(t, EMAIL, ['new-parks']);
    await confirm(confirmToken).expect(200);
    const subscribed = await subscribe({ email: EMAIL, zones: ['new-parks'] }).expect(202);
    expect(subscribed.body).toEqual(first.body);
    const stranger = await subscribe({ email: 'never-seen@example.org' }).expect(202);
    expect(stranger.body).toEqual(first.body);
    expect(JSON.stringify([first.body, subscribed.body])).not.toMatch(/person-/);
  });

  it('sends no alert until the person confirms from the email, and keeps no plaintext address in the log', async () => {
    const { id, confirmToken } = await requestSubscription(t, EMAIL, ['new-parks', 'bell-foundry']);
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    const events = await store.readStream(`subscription-${id}`);
    expect(events.map((e) => e.type)).toEqual(['SubscriptionRequested']);
    expect(events[0].data).toMatchObject({ person: id, email: { $pii: 1, person: id }, zones: ['bell-foundry', 'new-parks'] });

    // Opening the link (a mail scanner does) changes nothing; its page's button confirms.
    const link = await request(t.http).get('/subscriptions/confirm').query({ token: confirmToken }).expect(302);
    expect(link.headers.location).toBe(`/alerts/confirm?token=${encodeURIComponent(confirmToken)}`);
    expect(link.headers['cache-control']).toBe('no-store');
    const page = await request(t.http).get(link.headers.location).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<form method="post" action="/alerts/confirm">');
    expect(page.text).toContain(`<input type="hidden" name="token" value="${confirmToken}">`);
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    await confirm(confirmToken).expect(200, { confirmed: true });
    await confirm(confirmToken).expect(200, { confirmed: true });

    expect(await queries.activeFor(['bell-foundry'])).toEqual([
      {
        subscriptionId: id,
        person: id,
        email: EMAIL,
        zones: ['bell-foundry', 'new-parks'],
        unsubscribeUrl: expect.stringMatching(/^http:\/\/localhost:3000\/alerts\/unsubscribe\?token=u\.person-/),
      },
    ]);
    expect(await queries.activeFor(['thringstone-whitwick'])).toEqual([]);
    const raw = rawFileText().toLowerCase();
    expect(raw).toContain('subscriptionrequested'); // the search below looks at real rows
    for (const fragment of ['resident.one@example.org', 'resident.one']) expect(raw).not.toContain(fragment);
  });

  it('lets only the latest request be confirmed, and changes zones only when that is confirmed', async () => {
    const { id, confirmToken: first } = await subscribeConfirmed(t, EMAIL, ['bell-foundry']);
    const { confirmToken: narrower } = await requestSubscription(t, EMAIL, ['new-parks']);
    // Until the new request is confirmed, the confirmed zones stand: knowing an address changes nothing.
    expect((await queries.activeFor(['bell-foundry'])).map((s) => s.email)).toEqual([EMAIL]);
    const { confirmToken: latest } = await requestSubscription(t, EMAIL, ['thringstone-whitwick']);
    await confirm(narrower).expect(409);
    await confirm(first).expect(200);
    await confirm(latest).expect(200);
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    expect((await queries.activeFor(['thringstone-whitwick'])).map((s) => s.subscriptionId)).toEqual([id]);
  });

  it('matches all-zone subscribers to any round, and zone subscribers only to rounds in their zones', async () => {
    await subscribeConfirmed(t, 'all@example.org');
    await subscribeConfirmed(t, 'bell@example.org', ['bell-foundry']);
    await subscribeConfirmed(t, 'parks@example.org', ['new-parks']);
    const emails = async (zones: string[]) => (await queries.activeFor(zones)).map((s) => s.email).sort();
    expect(await emails(['bell-foundry'])).toEqual(['all@example.org', 'bell@example.org']);
    expect(await emails(['bell-foundry', 'new-parks'])).toEqual(['all@example.org', 'bell@example.org', 'parks@example.org']);
    expect(await emails(['thringstone-whitwick'])).toEqual(['all@example.org']);
  });

  it("unsubscribes from the alert's link with the page's button, twice without harm; an old link never ends a later subscription", async () => {
    const { id, unsubscribeToken } = await subscribeConfirmed(t, EMAIL);
    const [subscriber] = await queries.activeFor(['bell-foundry']);
    expect(tokenOf(subscriber.unsubscribeUrl)).toBe(unsubscribeToken);

    const link = await request(t.http).get('/subscriptions/unsubscribe').query({ token: unsubscribeToken }).expect(302);
    const page = await request(t.http).get(link.headers.location).expect(200);
    expect(page.text).toContain('<form method="post" action="/alerts/unsubscribe">');
    expect(await queries.activeFor(['bell-foundry'])).toHaveLength(1);

    await unsubscribe(unsubscribeToken).expect(200, { unsubscribed: true, laterSubscriptionContinues: false });
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    expect(await queries.get(id)).toMatchObject({ active: false, unsubscribedAt: expect.any(String) });
    await unsubscribe(unsubscribeToken).expect(200, { unsubscribed: true, laterSubscriptionContinues: false });

    // Signed up again: the old link, clicked later, leaves the new subscription alone.
    const again = await subscribeConfirmed(t, EMAIL, ['bell-foundry']);
    expect(again.id).toBe(id);
    await unsubscribe(unsubscribeToken).expect(200, { unsubscribed: true, laterSubscriptionContinues: true });
    expect((await queries.activeFor(['bell-foundry'])).map((s) => s.email)).toEqual([EMAIL]);
    await unsubscribe(again.unsubscribeToken).expect(200, { unsubscribed: true, laterSubscriptionContinues: false });
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    const types = (await store.readStream(`subscription-${id}`)).map((e) => e.type);
    expect(types).toEqual(['SubscriptionRequested', 'SubscriptionConfirmed', 'UnsubscribedFromRoundAlerts', 'SubscriptionRequested', 'SubscriptionConfirmed', 'UnsubscribedFromRoundAlerts']);
  });

  it('ends a subscription made before double opt-in with the link sent before it, and no later one', async () => {
    // As the service recorded subscriptions before double opt-in: confirmed as they were made.
    const person = await vault.personIdFor(EMAIL);
    const email = await vault.seal(person, EMAIL);
    const at = new Date().toISOString();
    const meta = { actor: { sub: 'anonymous', role: 'anonymous' as const }, occurredAt: at, correlationId: 'legacy', causationId: null, schemaVersion: 1 };
    const { position } = await store.append(
      `subscription-${person}`,
      [{ id: '2f1b6c4a-8b0e-4f62-9a5d-1c3e5f7a9b0d', type: 'SubscribedToRoundAlerts', data: { subscriptionId: person, person, email, zones: [], at }, metadata: meta }],
      'no_stream',
    );
    const { ReadModels } = await import('@pz/platform');
    await t.app.get(ReadModels).waitFor(position);
    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual([EMAIL]);

    const legacy = links.legacyUnsubscribeToken(person);
    await unsubscribe(legacy).expect(200, { unsubscribed: true, laterSubscriptionContinues: false });
    expect(await queries.activeFor(['new-parks'])).toEqual([]);
    await subscribeConfirmed(t, EMAIL);
    await unsubscribe(legacy).expect(200, { unsubscribed: true, laterSubscriptionContinues: true });
    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual([EMAIL]);
  });

  it('accepts the RFC 8058 one-click POST, and answers a repeated one the same', async () => {
    const { id, unsubscribeToken } = await subscribeConfirmed(t, EMAIL);
    const post = () =>
      request(t.http)
        .post('/subscriptions/unsubscribe')
        .query({ token: unsubscribeToken })
        .set('Idempotency-Key', 'one-click-1')
        .type('form')
        .send('List-Unsubscribe=One-Click');
    const first = await post().expect(200);
    const again = await post().expect(200);
    for (const answer of [first, again]) expect(answer.body).toEqual({ unsubscribed: true, laterSubscriptionContinues: false });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await store.readStream(`subscription-${id}`)).map((e) => e.type)).toEqual(['SubscriptionRequested', 'SubscriptionConfirmed', 'UnsubscribedFromRoundAlerts']);
  });

  it('refuses a forged, malformed or misdirected link and records nothing', async () => {
    const { id, confirmToken, unsubscribeToken } = await subscribeConfirmed(t, EMAIL);
    const head = await store.headPosition();
    const mac = unsubscribeToken.split('.')[3];
    const requestId = unsubscribeToken.split('.')[2];
    for (const token of [
      `u.${id}.${requestId}.${'A'.repeat(43)}`,
      `u.person-${'0'.repeat(32)}.${requestId}.${mac}`,
      `c.${id}.${requestId}.${mac}`,
    ]) {
      expect((await request(t.http).get('/subscriptions/unsubscribe').query({ token }).expect(404)).body).toMatchObject({ statusCode: 404 });
      await unsubscribe(token).expect(404);
    }
    // A confirmation link cannot unsubscribe, nor an unsubscribe link confirm.
    await unsubscribe(confirmToken).expect(404);
    await confirm(unsubscribeToken).expect(404);
    await request(t.http).get('/subscriptions/unsubscribe').query({ token: 'nonsense' }).expect(400);
    await request(t.http).get('/subscriptions/unsubscribe').expect(400);
    await confirm('nonsense').expect(400);

    expect(await store.headPosition()).toBe(head);
    expect((await queries.activeFor(['bell-foundry'])).map((s) => s.subscriptionId)).toEqual([id]);
  });

  it('names every bad field in a 400 and records nothing', async () => {
    const res = await subscribe({ email: 'not-an-email', zones: 'bell-foundry' }).expect(400);
    const message = (res.body.message as string[]).join('\n');
    expect(message).toMatch(/email/);
    expect(message).toMatch(/zones/);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });

    const many = await subscribe({ email: `${'a'.repeat(250)}@example.org`, zones: Array(21).fill('new-parks') }).expect(400);
    const manyText = (many.body.message as string[]).join('\n');
    expect(manyText).toMatch(/email must be shorter than or equal to 254/);
    expect(manyText).toMatch(/zones must contain no more than 20/);

    const injected = await subscribe({ email: 'a@example.org\r\nBcc: victim@example.org' }).expect(400);
    expect((injected.body.message as string[]).join('\n')).toMatch(/line breaks/);

    const unknownZones = await subscribe({ email: EMAIL, zones: ['atlantis', 'bell-foundry', 'narnia'] }).expect(400);
    const zonesText = (unknownZones.body.message as string[]).join('\n');
    expect(zonesText).toContain('unknown People Zone "atlantis"');
    expect(zonesText).toContain('unknown People Zone "narnia"');

    expect(await store.headPosition()).toBe(0);
    // A refused request must not leave a key behind for an address that was never recorded.
    expect(await vault.isErased(await vault.personIdFor(EMAIL))).toBe(false);
    const keys = new Database(t.config.sqlitePath, { readonly: true });
    try {
      expect(keys.prepare('SELECT count(*) FROM pii_keys').pluck().get()).toBe(0);
    } finally {
      keys.close();
    }
  });

  it('refuses unknown fields', async () => {
    const res = await subscribe({ email: EMAIL, surprise: true }).expect(400);
    expect((res.body.message as string[]).join('\n')).toMatch(/surprise/);
    expect(await store.headPosition()).toBe(0);
  });

  it('limits subscribing to 10 a minute per client', async () => {
    for (let i = 0; i < 10; i++) {
      await subscribe({ email: `person${i}@example.org` }).expect(202);
    }
    const limited = await subscribe({ email: 'person10@example.org' }).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429 });
    expect((await store.readAll()).filter((e) => e.type === 'SubscriptionRequested')).toHaveLength(10);
    // Other routes are not affected by the subscription limit.
    await request(t.http).get('/rounds').expect(200);
  });

  it('takes an erased person out of every alert; their address used again is a new person, and nothing says anyone was erased', async () => {
    const erased = await subscribeConfirmed(t, EMAIL);
    await subscribeConfirmed(t, 'kept@example.org');
    const before = await store.readStream(`subscription-${erased.id}`);

    expect(await vault.erase(erased.id)).toBe(true);

    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual(['kept@example.org']);
    expect(await store.readStream(`subscription-${erased.id}`)).toEqual(before);
    expect(await vault.open((await queries.get(erased.id))!.email)).toBeNull();

    // Coming back gets the usual answer, as a new person who must confirm afresh.
    const again = await subscribe({ email: EMAIL }).expect(202);
    expect(again.body).toEqual({ status: 'confirmation-sent' });
    expect(await store.readStream(`subscription-${erased.id}`)).toEqual(before);
    const successor = await requestSubscription(t, EMAIL);
    expect(successor.id).not.toBe(erased.id);
    await confirm(successor.confirmToken).expect(200);
    expect((await queries.activeFor(['new-parks'])).map((s) => s.email).sort()).toEqual([EMAIL, 'kept@example.org'].sort());
  });
});
