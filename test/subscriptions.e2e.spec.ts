import Database from 'better-sqlite3';
import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { SubscriptionsQueries, UnsubscribeLinks } from '@pz/subscriptions';
import { startTestApp, TestApp } from './support/test-app';

const EMAIL = 'Resident.One@Example.org';

describe('Round alert subscriptions through the whole path', () => {
  let t: TestApp;
  let store: EventStore;
  let queries: SubscriptionsQueries;
  let vault: PersonalDataVault;

  beforeEach(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    queries = t.app.get(SubscriptionsQueries);
    vault = t.app.get(PersonalDataVault);
  });
  afterEach(async () => t.close());

  const subscribe = (body: object) => request(t.http).post('/subscriptions').send(body);

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

  it('subscribes without a token, keeps no plaintext address in the log, and gives it to the alert sender', async () => {
    const res = await subscribe({ email: EMAIL, zones: ['new-parks', 'bell-foundry'] }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^person-[0-9a-f]{32}$/),
      zones: ['bell-foundry', 'new-parks'],
      status: 'subscribed',
    });

    const events = await store.readStream(`subscription-${res.body.id}`);
    expect(events.map((e) => e.type)).toEqual(['SubscribedToRoundAlerts']);
    expect(events[0].data).toMatchObject({ person: res.body.id, email: { $pii: 1, person: res.body.id } });
    const raw = rawFileText().toLowerCase();
    expect(raw).toContain('subscribedtoroundalerts'); // the search below looks at real rows
    for (const fragment of ['resident.one@example.org', 'resident.one', 'example.org']) {
      expect(raw).not.toContain(fragment);
    }

    expect(await queries.activeFor(['bell-foundry'])).toEqual([
      {
        subscriptionId: res.body.id,
        person: res.body.id,
        email: EMAIL,
        zones: ['bell-foundry', 'new-parks'],
        unsubscribeUrl: expect.stringMatching(/^http:\/\/localhost:3000\/subscriptions\/unsubscribe\?token=person-/),
      },
    ]);
    expect(await queries.activeFor(['thringstone-whitwick'])).toEqual([]);
  });

  it('treats subscribing again as the same subscription: same answer, zones updated, no duplicate', async () => {
    const first = await subscribe({ email: EMAIL }).expect(201);
    const again = await subscribe({ email: EMAIL.toUpperCase() }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(await store.readStream(`subscription-${first.body.id}`)).toHaveLength(1);

    const narrowed = await subscribe({ email: EMAIL, zones: ['new-parks'] }).expect(201);
    expect(narrowed.body).toEqual({ id: first.body.id, zones: ['new-parks'], status: 'subscribed' });
    const types = (await store.readStream(`subscription-${first.body.id}`)).map((e) => e.type);
    expect(types).toEqual(['SubscribedToRoundAlerts', 'SubscriptionZonesChanged']);
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual([EMAIL]);
  });

  it('matches all-zone subscribers to any round, and zone subscribers only to rounds in their zones', async () => {
    await subscribe({ email: 'all@example.org' }).expect(201);
    await subscribe({ email: 'bell@example.org', zones: ['bell-foundry'] }).expect(201);
    await subscribe({ email: 'parks@example.org', zones: ['new-parks'] }).expect(201);
    const emails = async (zones: string[]) => (await queries.activeFor(zones)).map((s) => s.email).sort();
    expect(await emails(['bell-foundry'])).toEqual(['all@example.org', 'bell@example.org']);
    expect(await emails(['bell-foundry', 'new-parks'])).toEqual(['all@example.org', 'bell@example.org', 'parks@example.org']);
    expect(await emails(['thringstone-whitwick'])).toEqual(['all@example.org']);
  });

  it('unsubscribes through the link in an alert, twice without harm, and can subscribe again', async () => {
    const { body } = await subscribe({ email: EMAIL }).expect(201);
    const [subscriber] = (await queries.activeFor(['bell-foundry']));
    const url = new URL(subscriber.unsubscribeUrl);
    expect(url.searchParams.get('token')).toBe(t.app.get(UnsubscribeLinks).token(body.id));

    const first = await request(t.http).get(url.pathname + url.search).expect(200);
    expect(first.body).toEqual({ unsubscribed: true });
    expect(first.headers['cache-control']).toBe('no-store');
    expect(await queries.activeFor(['bell-foundry'])).toEqual([]);
    expect(await queries.get(body.id)).toMatchObject({ active: false, unsubscribedAt: expect.any(String) });

    await request(t.http).get(url.pathname + url.search).expect(200, { unsubscribed: true });
    const types = (await store.readStream(`subscription-${body.id}`)).map((e) => e.type);
    expect(types).toEqual(['SubscribedToRoundAlerts', 'UnsubscribedFromRoundAlerts']);
    const [unsubscribed] = (await store.readStream(`subscription-${body.id}`)).slice(-1);
    expect(unsubscribed.data).toMatchObject({ subscriptionId: body.id, via: 'link' });

    await subscribe({ email: EMAIL, zones: ['bell-foundry'] }).expect(201);
    expect((await queries.activeFor(['bell-foundry'])).map((s) => s.email)).toEqual([EMAIL]);
    expect(await queries.get(body.id)).toMatchObject({ active: true, unsubscribedAt: null });
  });

  it('answers a browser with a page, and accepts the RFC 8058 one-click POST', async () => {
    const { body } = await subscribe({ email: EMAIL }).expect(201);
    const token = t.app.get(UnsubscribeLinks).token(body.id);
    const page = await request(t.http)
      .get('/subscriptions/unsubscribe')
      .query({ token })
      .set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('unsubscribed');

    await subscribe({ email: EMAIL }).expect(201);
    await request(t.http)
      .post('/subscriptions/unsubscribe')
      .query({ token })
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200, { unsubscribed: true });
    expect((await queries.get(body.id))?.active).toBe(false);
  });

  it('answers a repeated one-click POST with a page again, never with a stored page labelled JSON', async () => {
    const { body } = await subscribe({ email: EMAIL }).expect(201);
    const token = t.app.get(UnsubscribeLinks).token(body.id);
    const post = () =>
      request(t.http)
        .post('/subscriptions/unsubscribe')
        .query({ token })
        .set('Accept', 'text/html')
        .set('Idempotency-Key', 'one-click-1')
        .type('form')
        .send('List-Unsubscribe=One-Click');
    const first = await post().expect(200);
    const again = await post().expect(200);
    for (const page of [first, again]) {
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(again.text).toBe(first.text);
    expect((await store.readStream(`subscription-${body.id}`)).map((e) => e.type)).toEqual(['SubscribedToRoundAlerts', 'UnsubscribedFromRoundAlerts']);
  });

  it('refuses a forged or malformed link and records nothing', async () => {
    const { body } = await subscribe({ email: EMAIL }).expect(201);
    const head = await store.headPosition();
    const real = t.app.get(UnsubscribeLinks).token(body.id);
    const forged = `${body.id}.${'A'.repeat(43)}`;
    const otherPerson = `person-${'0'.repeat(32)}.${real.split('.')[1]}`;

    for (const token of [forged, otherPerson]) {
      const res = await request(t.http).get('/subscriptions/unsubscribe').query({ token }).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    }
    await request(t.http).get('/subscriptions/unsubscribe').query({ token: 'nonsense' }).expect(400);
    await request(t.http).get('/subscriptions/unsubscribe').expect(400);

    expect(await store.headPosition()).toBe(head);
    expect((await queries.activeFor(['bell-foundry'])).map((s) => s.subscriptionId)).toEqual([body.id]);
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
    expect(await vault.isErased(vault.personIdFor(EMAIL))).toBe(false);
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
      await subscribe({ email: `person${i}@example.org` }).expect(201);
    }
    const limited = await subscribe({ email: 'person10@example.org' }).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429 });
    expect(await store.readAll()).toHaveLength(10);
    // Other routes are not affected by the subscription limit.
    await request(t.http).get('/rounds').expect(200);
  });

  it('erasing a person takes them out of every alert while their events remain', async () => {
    const erased = await subscribe({ email: EMAIL }).expect(201);
    await subscribe({ email: 'kept@example.org' }).expect(201);
    const before = await store.readStream(`subscription-${erased.body.id}`);

    expect(await vault.erase(erased.body.id)).toBe(true);

    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual(['kept@example.org']);
    expect(await store.readStream(`subscription-${erased.body.id}`)).toEqual(before);
    expect(await vault.open((await queries.get(erased.body.id))!.email)).toBeNull();

    // Coming back gets the usual answer but records nothing: erasure is final for a pseudonym.
    const head = await store.headPosition();
    const again = await subscribe({ email: EMAIL }).expect(201);
    expect(again.body).toEqual(erased.body);
    expect(await store.headPosition()).toBe(head);
    expect((await queries.activeFor(['new-parks'])).map((s) => s.email)).toEqual(['kept@example.org']);
  });
});
