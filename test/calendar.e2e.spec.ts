import ICAL from 'ical.js';
import request from 'supertest';
import { financialYearOf } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

const DAY = 24 * 3600 * 1000;
/** The alert lead set for this app: the announcement is this long before the opening. */
const LEAD_MS = 28 * DAY;

interface FeedEvent {
  uid: string;
  startMs: number;
  status: string | null;
  summary: string;
  url: string;
  description: string;
}

/** Parses the feed with a real iCalendar parser (Mozilla's ical.js) into its VEVENTs. */
function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  expect(calendar.getFirstPropertyValue('prodid')).toBeTruthy();
  // Times given against a VTIMEZONE in the feed must be read in that zone.
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    // A floating time (no Z, no TZID) means "whatever the reader's clock says": not an instant.
    expect({ uid: event.uid, zone: event.startDate.zone?.tzid }).not.toEqual({ uid: event.uid, zone: 'floating' });
    expect(event.startDate.isDate).toBe(false);
    return {
      uid: event.uid,
      startMs: event.startDate.toJSDate().getTime(),
      status: (vevent.getFirstPropertyValue('status') as string | null) ?? null,
      summary: event.summary ?? '',
      url: String(vevent.getFirstPropertyValue('url') ?? ''),
      description: event.description ?? '',
    };
  });
}

/** The events that are about one round: they name it by id in their UID, URL or description. */
const eventsOf = (events: FeedEvent[], roundId: string) =>
  events.filter((e) => [e.uid, e.url, e.description].some((field) => field.includes(roundId)));

/** A whole-minute instant `ms` from now (iCalendar has no sub-second times). */
const at = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000);

describe('GET /rounds/calendar.ics', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await startTestApp({ ROUND_ALERT_LEAD: 'P28D' });
    staff = t.token({ role: 'staff', sub: 'staff-1' });
  });
  afterAll(async () => t?.close());

  async function schedule(name: string, opensAt: Date, closesAt: Date): Promise<{ id: string; name: string }> {
    const res = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .send({
        name,
        financialYear: financialYearOf(opensAt),
        kind: 'standard',
        zones: ['bell-foundry'],
        themes: ['Pride of Place'],
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        budgetPence: 2_000_000,
      })
      .expect(201);
    return { id: res.body.id, name: res.body.name };
  }

  async function feed(): Promise<{ contentType: string; events: FeedEvent[] }> {
    const res = await request(t.http).get('/rounds/calendar.ics').expect(200);
    return { contentType: String(res.headers['content-type']), events: parseFeed(res.text) };
  }

  /** Expects exactly the announcement, opening and closing of a round, and returns their UIDs by moment. */
  function expectThreeMoments(events: FeedEvent[], roundId: string, moments: { announce: Date; open: Date; close: Date }) {
    const mine = eventsOf(events, roundId);
    expect(mine).toHaveLength(3);
    const byStart = new Map(mine.map((e) => [e.startMs, e]));
    expect([...byStart.keys()].sort()).toEqual([moments.announce, moments.open, moments.close].map((d) => d.getTime()).sort());
    const uids = {
      announce: byStart.get(moments.announce.getTime())!.uid,
      open: byStart.get(moments.open.getTime())!.uid,
      close: byStart.get(moments.close.getTime())!.uid,
    };
    expect(new Set(Object.values(uids)).size).toBe(3);
    return { events: mine, uids };
  }

  it('serves text/calendar with the announcement, opening and closing of every round, at the right instants, with stable UIDs', async () => {
    const firstOpens = at(45 * DAY);
    const firstCloses = at(75 * DAY);
    const first = await schedule('Calendar round one', firstOpens, firstCloses);
    const secondOpens = at(-DAY); // already open: past moments stay in the feed
    const secondCloses = at(20 * DAY);
    const second = await schedule('Calendar round two', secondOpens, secondCloses);

    const { contentType, events } = await feed();
    expect(contentType).toMatch(/^text\/calendar\b/);

    const rounds = (await request(t.http).get('/rounds').expect(200)).body as { id: string }[];
    expect(events).toHaveLength(3 * rounds.length);
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);

    const one = expectThreeMoments(events, first.id, {
      announce: new Date(firstOpens.getTime() - LEAD_MS),
      open: firstOpens,
      close: firstCloses,
    });
    const two = expectThreeMoments(events, second.id, {
      announce: new Date(secondOpens.getTime() - LEAD_MS),
      open: secondOpens,
      close: secondCloses,
    });
    for (const e of [...one.events, ...two.events]) expect(e.status).not.toBe('CANCELLED');

    // Fetching again (and after another round is added) gives the same UIDs for the same moments.
    await schedule('Calendar round three', at(50 * DAY), at(80 * DAY));
    const again = (await feed()).events;
    expect(
      expectThreeMoments(again, first.id, { announce: new Date(firstOpens.getTime() - LEAD_MS), open: firstOpens, close: firstCloses }).uids,
    ).toEqual(one.uids);
    expect(
      expectThreeMoments(again, second.id, { announce: new Date(secondOpens.getTime() - LEAD_MS), open: secondOpens, close: secondCloses })
        .uids,
    ).toEqual(two.uids);
  });

  it('keeps a cancelled round in the feed with all three events STATUS:CANCELLED', async () => {
    const opens = at(40 * DAY);
    const closes = at(70 * DAY);
    const kept = await schedule('Calendar round kept', at(41 * DAY), at(71 * DAY));
    const cancelled = await schedule('Calendar round cancelled', opens, closes);
    const before = expectThreeMoments((await feed()).events, cancelled.id, {
      announce: new Date(opens.getTime() - LEAD_MS),
      open: opens,
      close: closes,
    });
    for (const e of before.events) expect(e.status).not.toBe('CANCELLED');

    await request(t.http).post(`/rounds/${cancelled.id}/cancel`).set(bearer(staff)).send({ reason: 'Budget withdrawn' }).expect(200);

    const after = (await feed()).events;
    const cancelledEvents = expectThreeMoments(after, cancelled.id, {
      announce: new Date(opens.getTime() - LEAD_MS),
      open: opens,
      close: closes,
    });
    expect(cancelledEvents.uids).toEqual(before.uids);
    expect(cancelledEvents.events.map((e) => e.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    // Only that round: its neighbour is untouched.
    const neighbour = eventsOf(after, kept.id);
    expect(neighbour).toHaveLength(3);
    for (const e of neighbour) expect(e.status).not.toBe('CANCELLED');
  });

  it('moves a rescheduled round\'s opening (and announcement) in the feed under the same UIDs', async () => {
    const opens = at(45 * DAY);
    const closes = at(90 * DAY);
    const round = await schedule('Calendar round rescheduled', opens, closes);
    const before = expectThreeMoments((await feed()).events, round.id, {
      announce: new Date(opens.getTime() - LEAD_MS),
      open: opens,
      close: closes,
    });

    // A week later, or earlier if a week later would leave the round's financial year.
    const later = new Date(opens.getTime() + 7 * DAY);
    const moved = financialYearOf(later) === financialYearOf(opens) ? later : new Date(opens.getTime() - 7 * DAY);
    const res = await request(t.http).patch(`/rounds/${round.id}`).set(bearer(staff)).send({ opensAt: moved.toISOString() }).expect(200);
    expect(Date.parse(res.body.opensAt)).toBe(moved.getTime());

    const after = expectThreeMoments((await feed()).events, round.id, {
      announce: new Date(moved.getTime() - LEAD_MS),
      open: moved,
      close: closes,
    });
    expect(after.uids).toEqual(before.uids);
    // Nothing is left at the old opening instant.
    expect(after.events.filter((e) => e.startMs === opens.getTime())).toEqual([]);
  });
});
