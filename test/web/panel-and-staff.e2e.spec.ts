import { DateTime } from 'luxon';
import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { RoundsQueries } from '@pz/rounds';
import { IdentityQueries } from '@pz/identity';
import { applicationBody, financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from '../support/journey';
import { csrfTokenIn, errorSummaryOf } from '../support/pages';
import { Agent, grantRole, signIn } from '../support/sign-in';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/** A UK calendar day `days` from today, as the form's boxes take it. */
function ukDay(days: number, time: string, prefix: string): Record<string, string> {
  const d = DateTime.now().setZone('Europe/London').plus({ days });
  return { [`${prefix}-day`]: String(d.day), [`${prefix}-month`]: String(d.month), [`${prefix}-year`]: String(d.year), [`${prefix}-time`]: time };
}

const ROUND_FORM = {
  name: 'Thringstone summer round',
  kind: 'standard',
  zones: ['bell-foundry', 'thringstone-whitwick'],
  themes: 'Pride of Place\nCommunity Safety',
  ...ukDay(-1, '9am', 'opens'),
  ...ukDay(7, '5pm', 'closes'),
  budget: '£20,000',
  maxAward: '5000',
  'criterion-1-title': 'Reach',
  'criterion-1-weight': '3',
  'criterion-2-title': 'Legacy',
  'criterion-2-weight': '2',
};

/**
 * The panel scores and staff decide, through the pages over real HTTP (a real app on real files):
 * every refusal names what is wrong and writes nothing; blind scoring; the budget's refusal is a
 * clear page, not a crash.
 */
describe('panel and staff pages', () => {
  let t: TestApp;
  let store: EventStore;
  let staff: Agent;
  let csrf: string;
  let roundId: string;
  const ids: Record<string, string> = {};
  const members: Record<string, Agent> = {};

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    await grantRole(t, 'officer@example.org', 'staff');
    staff = await signIn(t, 'officer@example.org');
    csrf = csrfTokenIn((await staff.get('/staff/rounds/new').expect(200)).text);
  }, 60_000);
  afterAll(async () => t?.close());

  /** What was written since `head`, but the worker's own record of mail it sent (invitations go out in the background). */
  const changesSince = async (head: number) => (await store.readAll({ after: head })).filter((e) => e.type !== 'EmailSent').map((e) => e.type);
  const post = (agent: Agent, path: string, form: Record<string, string | string[]>, token = csrf) => agent.post(path).type('form').send({ ...form, _csrf: token });

  describe('staff schedule a round and choose its panel', () => {
    it('names every missing field and schedules nothing', async () => {
      const head = await store.headPosition();
      const page = await post(staff, '/staff/rounds/new', { kind: 'lottery', 'criterion-1-title': '', 'criterion-1-weight': '', 'criterion-2-title': 'Reach', 'criterion-2-weight': '11' }).expect(400);
      expect(page.text).toContain('<title>Error: Schedule a round - People Zones Grants</title>');
      expect(errorSummaryOf(page.text)).toEqual([
        'Enter the name of the round',
        'Select the kind of round',
        'Select the People Zones the round is for',
        'Enter at least one theme, one on each line',
        'Enter the opening date',
        'Enter the closing date',
        'Enter the budget for the round',
        'The weight of criterion 2 must be a whole number from 1 to 10',
      ]);
      expect(page.text).toContain('value="Reach"');
      expect(await changesSince(head)).toEqual([]);
    });

    it('refuses a close before the opening and a largest award above the budget', async () => {
      const head = await store.headPosition();
      const page = await post(staff, '/staff/rounds/new', { ...ROUND_FORM, ...ukDay(-2, '17:00', 'closes'), maxAward: '£25,000' }).expect(400);
      expect(errorSummaryOf(page.text)).toEqual(['The closing date must be after the opening date', 'The largest award must not be more than the budget']);
      const time = await post(staff, '/staff/rounds/new', { ...ROUND_FORM, 'opens-time': '25:00' }).expect(400);
      expect(errorSummaryOf(time.text)).toEqual(['The time of the opening date must be a time of day, like 9am or 17:30']);
      expect(await changesSince(head)).toEqual([]);
    });

    it('schedules a round with its own criteria, in UK time', async () => {
      const res = await post(staff, '/staff/rounds/new', ROUND_FORM).expect(303);
      roundId = /^\/staff\/rounds\/([0-9a-f-]{36})$/.exec(res.headers.location)![1];
      const round = (await request(t.http).get(`/rounds/${roundId}`).expect(200)).body;
      expect(round).toMatchObject({
        name: 'Thringstone summer round',
        zones: ['bell-foundry', 'thringstone-whitwick'],
        themes: ['Pride of Place', 'Community Safety'],
        budgetPence: 2_000_000,
        maxAwardPence: 500_000,
        criteria: [
          { key: 'reach', title: 'Reach', weight: 3 },
          { key: 'legacy', title: 'Legacy', weight: 2 },
        ],
        status: 'open',
      });
      // 5pm on the wall in London, whatever the season.
      expect(DateTime.fromISO(round.closesAt).setZone('Europe/London').toFormat('HH:mm')).toBe('17:00');
      expect(round.financialYear).toBe(financialYearOf(Date.parse(round.opensAt)));
      const page = await staff.get(`/staff/rounds/${roundId}`).expect(200);
      expect(page.text).toContain('Reach');
      expect(page.text).toContain('3 of 5');
      const home = await staff.get('/staff').expect(200);
      expect(home.text).toContain(`href="/staff/rounds/${roundId}"`);
    });

    it('adds panel members by email: the role for this round, and a seat on its panel', async () => {
      for (const email of ['resident.one@example.org', 'resident.two@example.org']) {
        const page = await staff.get(`/staff/rounds/${roundId}`).expect(200);
        const revision = /name="revision" value="(\d+)"/.exec(page.text)![1];
        await post(staff, `/staff/rounds/${roundId}/panel`, { email, revision }).expect(303).expect('location', `/staff/rounds/${roundId}?done=panel`);
      }
      const vault = t.app.get(PersonalDataVault);
      ids.one = await vault.personIdFor('resident.one@example.org');
      ids.two = await vault.personIdFor('resident.two@example.org');
      expect((await t.app.get(RoundsQueries).view(roundId))!.panel).toEqual([ids.one, ids.two]);
      expect((await t.app.get(IdentityQueries).account(ids.one))!.roles).toEqual([expect.objectContaining({ role: 'panel', roundId })]);
      const page = await staff.get(`/staff/rounds/${roundId}`).expect(200);
      expect(page.text).toContain('resident.two@example.org');
    });

    it('refuses a form someone else overtook with a 409 page, and grants nothing', async () => {
      const head = await store.headPosition();
      const stale = await post(staff, `/staff/rounds/${roundId}/panel`, { email: 'late.comer@example.org', revision: '0' }).expect(409);
      expect(errorSummaryOf(stale.text)).toEqual([expect.stringContaining('Someone else changed this round')]);
      const moved = await post(staff, `/staff/rounds/${roundId}/reschedule`, { ...ukDay(-1, '9am', 'opens'), ...ukDay(8, '5pm', 'closes'), revision: '0' }).expect(409);
      expect(errorSummaryOf(moved.text)).toEqual([expect.stringContaining('Someone else changed this round')]);
      expect(await changesSince(head)).toEqual([]);
    });

    it('names bad dates and a missing reason on the round page, and changes nothing', async () => {
      const head = await store.headPosition();
      const page = await staff.get(`/staff/rounds/${roundId}`).expect(200);
      const revision = /name="revision" value="(\d+)"/.exec(page.text)![1];
      const bad = await post(staff, `/staff/rounds/${roundId}/reschedule`, { 'opens-day': '31', 'opens-month': '2', 'opens-year': '2027', 'opens-time': '9am', ...ukDay(8, 'teatime', 'closes'), revision }).expect(400);
      expect(errorSummaryOf(bad.text)).toEqual(['The opening date must be a real date, like 27 3 2026', 'The time of the closing date must be a time of day, like 9am or 17:30']);
      // The round is open: its opening cannot move (the round's own rule, in words).
      const open = await post(staff, `/staff/rounds/${roundId}/reschedule`, { ...ukDay(-2, '9am', 'opens'), ...ukDay(7, '5pm', 'closes'), revision }).expect(400);
      expect(errorSummaryOf(open.text)).toEqual(['The opening date cannot change once the round is open']);
      const cancel = await post(staff, `/staff/rounds/${roundId}/cancel`, { reason: ' ', revision }).expect(400);
      expect(errorSummaryOf(cancel.text)).toEqual(['Enter why the round is being cancelled: applicants and subscribers are told']);
      expect(await changesSince(head)).toEqual([]);
    });

    it('moves the close later while the round is open', async () => {
      const page = await staff.get(`/staff/rounds/${roundId}`).expect(200);
      const revision = /name="revision" value="(\d+)"/.exec(page.text)![1];
      await post(staff, `/staff/rounds/${roundId}/reschedule`, { ...ukDay(-1, '9am', 'opens'), ...ukDay(9, '5:30pm', 'closes'), revision }).expect(303);
      const round = (await request(t.http).get(`/rounds/${roundId}`).expect(200)).body;
      expect(DateTime.fromISO(round.closesAt).setZone('Europe/London').toFormat('HH:mm')).toBe('17:30');
    });
  });

  describe('the panel scores, blind', () => {
    beforeAll(async () => {
      members.one = await signIn(t, 'resident.one@example.org');
      members.two = await signIn(t, 'resident.two@example.org');
      ids.conflicted = await openAndSubmit(t, roundId, 'org-conflicted', { title: 'Whitwick Youth Football', zone: 'thringstone-whitwick', requestedPence: 300_000 });
      ids.garden = await openAndSubmit(t, roundId, 'org-garden', { title: 'Thringstone Garden', zone: 'thringstone-whitwick', requestedPence: 200_000 });
      ids.choir = await openAndSubmit(t, roundId, 'org-choir', { title: 'Bell Foundry Choir', requestedPence: 100_000 });
      const applicant = t.token({ role: 'applicant', sub: 'user-org-draft', org: 'org-draft', email: 'd@example.org' });
      ids.draft = (await request(t.http).post(`/rounds/${roundId}/applications`).set(bearer(applicant)).send({ ...applicationBody, title: 'Unsent draft' }).expect(201)).body.id;
      const other = await scheduleRound(t, { name: 'Another round' });
      ids.elsewhere = await openAndSubmit(t, other.id, 'org-elsewhere');
    }, 60_000);

    it('lists the rounds a member sits on and what is left to score', async () => {
      const page = await members.one.get('/panel').expect(200);
      expect(page.text).toContain('Thringstone summer round');
      expect(page.text).toContain('3 applications are left for you to score.');
      for (const id of [ids.conflicted, ids.garden, ids.choir]) expect(page.text).toContain(`/panel/applications/${id}`);
      for (const id of [ids.draft, ids.elsewhere]) expect(page.text).not.toContain(id);
      expect(page.text).not.toContain('Another round');
    });

    it('never shows a draft, another round’s application, or one that does not exist', async () => {
      for (const id of [ids.draft, ids.elsewhere, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const page = await members.one.get(`/panel/applications/${id}`).expect(404);
        expect(page.text).not.toContain('Unsent draft');
        expect(page.text).not.toContain('Bell Foundry Community Garden');
      }
    });

    it('declares a conflict with a reason: the application leaves the member’s list and is then not found', async () => {
      const empty = await post(members.one, `/panel/applications/${ids.conflicted}/conflict`, { reason: '' }, csrfTokenIn((await members.one.get('/panel').expect(200)).text)).expect(400);
      expect(errorSummaryOf(empty.text)).toEqual(['Enter why you have a conflict of interest, for example “I am a trustee of this group”']);
      const token = csrfTokenIn(empty.text);
      await post(members.one, `/panel/applications/${ids.conflicted}/conflict`, { reason: 'I coach the under-12s there' }, token).expect(303).expect('location', '/panel?conflict=declared');
      const gone = await members.one.get(`/panel/applications/${ids.conflicted}`).expect(404);
      expect(gone.text).not.toContain('Whitwick Youth Football');
      await post(members.one, `/panel/applications/${ids.conflicted}/scores`, { 'score-reach': '5', 'score-legacy': '5' }, token).expect(404);
      const list = await members.one.get('/panel?conflict=declared').expect(200);
      expect(list.text).not.toContain(ids.conflicted);
      expect(list.text).toContain('2 applications are left for you to score.');
    });

    it('scores each criterion 0–5 with its weight; names every bad score and saves nothing', async () => {
      const form = await members.one.get(`/panel/applications/${ids.garden}`).expect(200);
      expect(form.text).toContain('Weight 3: a score of 5 adds 15 to the total');
      const token = csrfTokenIn(form.text);
      const head = await store.headPosition();
      const bad = await post(members.one, `/panel/applications/${ids.garden}/scores`, { 'score-reach': '7', comment: 'x' }, token).expect(400);
      expect(errorSummaryOf(bad.text)).toEqual(['The score for Reach must be a whole number from 0 to 5', 'Select a score for Legacy']);
      expect(await changesSince(head)).toEqual([]);
      await post(members.one, `/panel/applications/${ids.garden}/scores`, { 'score-reach': '4', 'score-legacy': '5', comment: 'Lovely plan' }, token).expect(303).expect('location', `/panel/applications/${ids.garden}?saved=1`);
      const saved = await members.one.get(`/panel/applications/${ids.garden}?saved=1`).expect(200);
      // 4 × 3 + 5 × 2, out of 5 × (3 + 2): worked out on the server.
      expect(saved.text).toContain('Your weighted total is 22 out of 25.');
      expect(saved.text).toMatch(/name="score-reach" type="radio" value="4" checked/);
      // Revised until the decision.
      await post(members.one, `/panel/applications/${ids.garden}/scores`, { 'score-reach': '2', 'score-legacy': '5', comment: 'On reflection, small reach' }, token).expect(303);
      await post(members.one, `/panel/applications/${ids.choir}/scores`, { 'score-reach': '3', 'score-legacy': '3', comment: '' }, token).expect(303);
      expect((await members.one.get('/panel').expect(200)).text).toContain('You have scored every application.');
    });

    it('shows a member only their own scores, never another member’s', async () => {
      const token = csrfTokenIn((await members.two.get(`/panel/applications/${ids.garden}`).expect(200)).text);
      await post(members.two, `/panel/applications/${ids.garden}/scores`, { 'score-reach': '5', 'score-legacy': '5', comment: 'Member two thinks it is superb' }, token).expect(303);
      const two = await members.two.get(`/panel/applications/${ids.garden}`).expect(200);
      expect(two.text).toContain('Your weighted total: <strong>25 out of 25</strong>');
      expect(two.text).not.toContain('On reflection');
      expect(two.text).not.toContain('resident.one@example.org');
      const one = await members.one.get(`/panel/applications/${ids.garden}`).expect(200);
      expect(one.text).toContain('Your weighted total: <strong>16 out of 25</strong>');
      expect(one.text).not.toContain('superb');
      expect(one.text).not.toContain('>25 out of 25<');
      expect(one.text).not.toContain('resident.two@example.org');
      // Nor through the list: no mean, no counts of others.
      expect((await members.one.get('/panel').expect(200)).text).not.toMatch(/20\.5|mean/i);
    });

    it('staff see the ranking: mean, each member’s total, the spread, flagged when members disagree', async () => {
      const page = await staff.get(`/staff/rounds/${roundId}/ranking`).expect(200);
      const rows = [...page.text.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()).slice(1);
      expect(rows).toEqual([
        expect.stringMatching(/^1 Thringstone Garden .* 20\.5 resident\.one@example\.org : 16 resident\.two@example\.org : 25 9 Members disagree$/),
        expect.stringMatching(/^2 Bell Foundry Choir .* 15 resident\.one@example\.org : 15 0$/),
        expect.stringMatching(/^3 Whitwick Youth Football .* Not scored$/),
      ]);
      expect(page.text).not.toContain('Unsent draft');
    });

    it('keeps the staff area closed to the panel: a 403 that names no round, application or score', async () => {
      for (const path of ['/staff', `/staff/rounds/${roundId}`, `/staff/rounds/${roundId}/ranking`, `/staff/applications/${ids.garden}`]) {
        const page = await members.two.get(path).expect(403);
        for (const secret of ['Thringstone summer round', 'Thringstone Garden', 'resident.one@example.org', '20.5']) expect({ path, leaks: page.text.includes(secret) }).toEqual({ path, leaks: false });
      }
    });
  });

  describe('staff decide, against the budget', () => {
    let decision: { id: string; closesAt: string };
    beforeAll(async () => {
      decision = await scheduleRound(t, { name: 'Decision round', budgetPence: 500_000, closesInMs: 1_500, panel: [ids.one] });
      ids.first = await openAndSubmit(t, decision.id, 'org-first', { requestedPence: 300_000 });
      ids.second = await openAndSubmit(t, decision.id, 'org-second', { requestedPence: 300_000 });
      ids.third = await openAndSubmit(t, decision.id, 'org-third', { requestedPence: 100_000 });
      await waitUntilPast(decision.closesAt);
    }, 30_000);

    it('shows the budget as it will be after the award, names bad fields and awards nothing', async () => {
      const page = await staff.get(`/staff/applications/${ids.first}`).expect(200);
      expect(page.text).toMatch(/The round has <strong>£5,000<\/strong> left of its £5,000 budget\.\s*After awarding £3,000 it will have <strong>£2,000<\/strong> left\./);
      const head = await store.headPosition();
      const bad = await post(staff, `/staff/applications/${ids.first}/award`, { amount: '£3,500', 'tranche-1-amount': '1000', 'tranche-1-due-day': '31', 'tranche-1-due-month': '2', 'tranche-1-due-year': '2027', conditions: 'Quarterly photos!', note: '' }).expect(400);
      expect(errorSummaryOf(bad.text)).toEqual([
        'The amount must not be more than the £3,000 asked for',
        'Enter the date payment 1 is due, like 1 10 2026',
        'Each extra condition must be a short key of lower-case letters, digits and hyphens, like quarterly-photos, one on each line',
      ]);
      const sums = await post(staff, `/staff/applications/${ids.first}/award`, { amount: '3000', 'tranche-1-amount': '1000', 'tranche-1-due-day': '1', 'tranche-1-due-month': '10', 'tranche-1-due-year': '2027' }).expect(400);
      expect(errorSummaryOf(sums.text)).toEqual(['The payments add up to £1,000: they must add up to the amount awarded, £3,000']);
      expect(await changesSince(head)).toEqual([]);
    });

    it('awards one within budget, in tranches with conditions', async () => {
      await post(staff, `/staff/applications/${ids.first}/award`, {
        amount: '3000',
        'tranche-1-amount': '2000', 'tranche-1-due-day': '1', 'tranche-1-due-month': '1', 'tranche-1-due-year': '2027',
        'tranche-2-amount': '1000', 'tranche-2-due-day': '1', 'tranche-2-due-month': '6', 'tranche-2-due-year': '2027',
        conditions: 'quarterly-photos', note: 'Strong panel support',
      }).expect(303).expect('location', `/staff/applications/${ids.first}?done=awarded`);
      const applicant = t.token({ role: 'applicant', sub: 'user-org-first', org: 'org-first' });
      const view = (await request(t.http).get(`/applications/${ids.first}`).set(bearer(applicant)).expect(200)).body;
      expect(view).toMatchObject({ status: 'awarded', awardedPence: 300_000, tranches: [{ amountPence: 200_000, dueOn: '2027-01-01' }, { amountPence: 100_000, dueOn: '2027-06-01' }], conditions: ['people-zones-branding', 'quarterly-photos'] });
      const page = await staff.get(`/staff/applications/${ids.first}?done=awarded`).expect(200);
      expect(page.text).toContain('The grant is awarded.');
      expect(page.text).not.toContain('Award the grant</button>');
    });

    it('lets a member revise scores until the decision, then shows them fixed', async () => {
      const form = await members.one.get(`/panel/applications/${ids.first}`).expect(200);
      expect(form.text).toContain('A decision has been made on this application, so scores can no longer change.');
      const head = await store.headPosition();
      const late = await post(members.one, `/panel/applications/${ids.first}/scores`, Object.fromEntries(['need', 'outcomes', 'deliverability', 'value-for-money', 'sustainability'].map((k) => [`score-${k}`, '3'])), csrfTokenIn(form.text)).expect(409);
      expect(errorSummaryOf(late.text)).toEqual(['A decision has been made on this application, so scores can no longer change']);
      expect(await changesSince(head)).toEqual([]);
      // Still open to scoring: the one not yet decided.
      const open = await members.one.get(`/panel/applications/${ids.second}`).expect(200);
      expect(open.text).toContain('Save your scores');
    });

    it('shows staff who has not accepted their offer, until they do', async () => {
      const waiting = await staff.get('/staff').expect(200);
      expect(waiting.text).toMatch(new RegExp(`Offers not accepted yet[\\s\\S]*href="/staff/applications/${ids.first}"`));
      expect((await staff.get(`/staff/applications/${ids.first}`).expect(200)).text).toContain('Not yet: nobody from the group has accepted the offer');
      const grantee = t.token({ role: 'applicant', sub: 'user-org-first', org: 'org-first' });
      await request(t.http).post(`/applications/${ids.first}/accept`).set(bearer(grantee)).expect(200);
      expect((await staff.get('/staff').expect(200)).text).not.toContain(`href="/staff/applications/${ids.first}"`);
      expect((await staff.get(`/staff/applications/${ids.first}`).expect(200)).text).toMatch(/By a member of the group at \d/);
    });

    it('refuses an award over what is left with a clear page, and commits nothing', async () => {
      const head = await store.headPosition();
      const page = await post(staff, `/staff/applications/${ids.second}/award`, { amount: '3000' }).expect(409);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(errorSummaryOf(page.text)).toEqual(['This is more than the round has left: £2,000 is left of its £5,000 budget. Award less, or decline.']);
      expect(page.text).toContain('value="3000"');
      expect(await changesSince(head)).toEqual([]);
      expect((await t.app.get(RoundsQueries).view(decision.id))!.committedPence).toBe(300_000);
    });

    it('refuses deciding twice with a clear page', async () => {
      const head = await store.headPosition();
      const page = await post(staff, `/staff/applications/${ids.first}/award`, { amount: '100' }).expect(409);
      expect(errorSummaryOf(page.text)).toEqual(['This application has already been decided (funded), so nothing was changed.']);
      expect(await changesSince(head)).toEqual([]);
    });

    it('declines with feedback (required), which the applicant reads', async () => {
      const empty = await post(staff, `/staff/applications/${ids.third}/decline`, { feedback: '  ' }).expect(400);
      expect(errorSummaryOf(empty.text)).toEqual(['Enter feedback for the applicant: they are owed a reason']);
      await post(staff, `/staff/applications/${ids.third}/decline`, { feedback: 'The budget was not clear enough.' }).expect(303);
      const applicant = t.token({ role: 'applicant', sub: 'user-org-third', org: 'org-third' });
      expect((await request(t.http).get(`/applications/${ids.third}`).set(bearer(applicant)).expect(200)).body).toMatchObject({ status: 'declined', feedback: 'The budget was not clear enough.' });
    });

    it('shows a draft or an unknown id as not found', async () => {
      await staff.get(`/staff/applications/${ids.draft}`).expect(404);
      await staff.get('/staff/applications/00000000-0000-4000-8000-000000000000').expect(404);
      await staff.get('/staff/rounds/00000000-0000-4000-8000-000000000000/ranking').expect(404);
      await staff.get('/staff/rounds/nope').expect(404);
    });
  });
});
