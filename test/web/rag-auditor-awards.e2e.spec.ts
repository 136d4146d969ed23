import Database from 'better-sqlite3';
import request from 'supertest';
import { PersonalDataVault } from '@pz/people';
import { financialYearOf } from '@pz/rounds/domain';
import { openAndSubmit, scheduleRound, waitUntilPast } from '../support/journey';
import { awardGrants, Grants } from '../support/grants';
import { csrfTokenIn, errorSummaryOf } from '../support/pages';
import { Agent, grantRole, signIn } from '../support/sign-in';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * The public record, the staff RAG board and the auditor's pages over HTTP with real sessions:
 * what each shows is checked against the JSON API it is built on (the 360Giving feed, the
 * monitoring board, the audit log), and every form's bad input is named and changes nothing.
 */

/** The text of each row's cells of the table with this id, tags stripped. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0];
  if (!table) throw new Error(`No table #${id}`);
  const body = /<tbody[\s\S]*?<\/tbody>/.exec(table)![0];
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((row) =>
    [...row[0].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim()),
  );
}

const poundsText = (pounds: number) => `£${pounds.toLocaleString('en-GB', { minimumFractionDigits: Number.isInteger(pounds) ? 0 : 2, maximumFractionDigits: 2 })}`;

describe('the public record, the RAG board and the auditor, over HTTP', () => {
  let t: TestApp;
  let g: Grants;
  let staff: Agent;
  let auditor: Agent;
  const staffToken = () => t.token({ role: 'staff', sub: 'staff-1' });

  beforeAll(async () => {
    // A check-in due two seconds after the award, so grants have something overdue to filter on.
    t = await startTestApp({ FIRST_CHECKIN_AFTER: 'PT2S' });
    g = await awardGrants(t);
    await grantRole(t, 'rag.staff@example.org', 'staff');
    await grantRole(t, 'rag.auditor@example.org', 'auditor');
    staff = await signIn(t, 'rag.staff@example.org');
    auditor = await signIn(t, 'rag.auditor@example.org');
  }, 90_000);
  afterAll(async () => t?.close());

  describe('/awards, for anyone', () => {
    it("lists every award, and its tables hold the 360Giving feed's own figures by zone and year", async () => {
      const page = (await request(t.http).get('/awards').expect(200)).text;
      const feed = (await request(t.http).get('/open-data/360giving.json').expect(200)).body.grants as Array<{
        title: string;
        amountAwarded: number;
        awardDate: string;
        beneficiaryLocation: { name: string }[];
      }>;
      expect(feed).toHaveLength(3);
      expect(tableRows(page, 'grants').map((r) => r[0]).sort()).toEqual(feed.map((f) => f.title).sort());
      expect(page).not.toContain('Mural');

      const byZone = new Map<string, { grants: number; pounds: number }>();
      for (const f of feed) {
        const zone = byZone.get(f.beneficiaryLocation[0].name) ?? { grants: 0, pounds: 0 };
        byZone.set(f.beneficiaryLocation[0].name, { grants: zone.grants + 1, pounds: zone.pounds + f.amountAwarded });
      }
      expect(new Set(tableRows(page, 'table-zone').map((r) => r.join('|')))).toEqual(
        new Set([...byZone].map(([zone, f]) => `${zone}|${f.grants}|${poundsText(f.pounds)}`)),
      );
      const year = financialYearOf(Date.parse(feed[0].awardDate));
      const start = Number(year.slice(0, 4));
      expect(tableRows(page, 'table-year')).toEqual([[`${start} to ${start + 1}`, '3', poundsText(feed.reduce((sum, f) => sum + f.amountAwarded, 0))]]);
      expect(tableRows(page, 'table-theme')).toEqual([
        ['Community Safety', '2', '£2,500.50'],
        ['Pride of Place', '1', '£3,000'],
      ]);
    });

    it('draws each chart as an SVG image with every figure in its text alternative and no style attributes', async () => {
      const page = (await request(t.http).get('/awards').expect(200)).text;
      const images = [...page.matchAll(/<img class="app-chart__image" src="data:image\/svg\+xml;base64,([^"]+)" alt="([^"]+)">/g)];
      expect(images).toHaveLength(6);
      for (const [, base64] of images) {
        const svg = Buffer.from(base64, 'base64').toString('utf8');
        expect(svg).toMatch(/^<svg/);
        expect(svg).not.toMatch(/\sstyle=/);
      }
      const alts = images.map((i) => i[2]);
      expect(alts).toContain('Bar chart, money awarded by People Zone. Bell Foundry: £4,000. New Parks: £1,500.50.');
      expect(alts).toContain('Bar chart, number of grants by theme. Community Safety: 2 grants. Pride of Place: 1 grant.');
    });

    it('offers the downloads, which answer', async () => {
      const page = (await request(t.http).get('/awards').expect(200)).text;
      expect(page).toContain('href="/open-data/360giving.csv"');
      expect(page).toContain('href="/open-data/360giving.json"');
      await request(t.http).get('/open-data/360giving.csv').expect(200).expect('content-type', /text\/csv/);
    });

    it('does not publish a case study staff have not approved, even with its authors’ consent', async () => {
      const page = (await request(t.http).get('/awards').expect(200)).text;
      expect(page).not.toContain('Pastors on the street');
      expect(page).not.toContain('We felt safer');
    });

    it('filters by zone; a filter nobody could choose is named, and every award is shown', async () => {
      const newParks = (await request(t.http).get('/awards?zone=new-parks').expect(200)).text;
      expect(tableRows(newParks, 'grants').map((r) => r[0])).toEqual(['Friday youth club']);
      const bad = await request(t.http).get('/awards?zone=atlantis&theme=Knitting&year=1999').expect(400);
      expect(errorSummaryOf(bad.text)).toEqual(['Choose a year from the list', 'Choose a People Zone from the list', 'Choose a theme from the list']);
      expect(bad.text).toMatch(/<title>Error: /);
      expect(tableRows(bad.text, 'grants')).toHaveLength(3);
    });

    it('shows a new award once the log has moved on (the cached figures are not kept past it)', async () => {
      const before = (await request(t.http).get('/awards').expect(200)).text;
      expect(before).not.toContain('Canal clean-up');
      const round = await scheduleRound(t, { name: 'Late round', closesInMs: 1500 });
      const id = await openAndSubmit(t, round.id, 'org-e', { title: 'Canal clean-up', zone: 'new-parks', requestedPence: 50_000 });
      await waitUntilPast(round.closesAt);
      await request(t.http).post(`/applications/${id}/award`).set(bearer(staffToken())).send({ amountPence: 50_000 }).expect(200);
      const after = (await request(t.http).get('/awards').expect(200)).text;
      expect(tableRows(after, 'grants').map((r) => r[0])).toContain('Canal clean-up');
      expect(tableRows(after, 'table-zone')).toContainEqual(['New Parks', '2', '£2,000.50']);
    });
  });

  describe('/staff/grants, for staff', () => {
    it('lists the live grants worst first, filtered by rating, zone and what is overdue', async () => {
      await waitUntilPast(new Date(Date.parse(g.gardenAwardedAt) + 2500).toISOString());
      const all = (await staff.get('/staff/grants').expect(200)).text;
      const titles = tableRows(all, 'grants').map((r) => [r[0], r[1].split(' ').slice(0, 3).join(' ')]);
      expect(titles[0]).toEqual(['Red', 'Bell Foundry Garden']);
      expect(tableRows(all, 'grants').map((r) => r[1])).not.toContainEqual(expect.stringMatching(/Street pastors/));

      const red = (await staff.get('/staff/grants?rating=red').expect(200)).text;
      expect(tableRows(red, 'grants').map((r) => r[1])).toEqual([expect.stringMatching(/^Bell Foundry Garden/)]);
      const newParks = (await staff.get('/staff/grants?zone=new-parks').expect(200)).text;
      expect(tableRows(newParks, 'grants').map((r) => r[1])).toEqual(expect.arrayContaining([expect.stringMatching(/^Friday youth club/)]));
      expect(tableRows(newParks, 'grants').map((r) => r[1])).not.toContainEqual(expect.stringMatching(/^Bell Foundry Garden/));
      const overdue = (await staff.get('/staff/grants?overdue=check-in').expect(200)).text;
      expect(tableRows(overdue, 'grants').map((r) => r[4])).toEqual(expect.arrayContaining([expect.stringMatching(/^First-month check-in, due/)]));
      const caseStudyLate = (await staff.get('/staff/grants?overdue=case-study').expect(200)).text;
      expect(caseStudyLate).toContain('No live grant matches.');

      const bad = await staff.get('/staff/grants?zone=atlantis&rating=purple&overdue=soon').expect(400);
      expect(errorSummaryOf(bad.text)).toEqual(['Choose a People Zone from the list', 'Choose Red, Amber or Green', 'Choose what is overdue from the list']);
    });

    it("the chart's table counts the board's ratings by zone", async () => {
      const page = (await staff.get('/staff/grants').expect(200)).text;
      const board = (await request(t.http).get('/monitoring/rag').set(bearer(staffToken())).expect(200)).body as Array<{ zone: string; rag: string }>;
      const bell = board.filter((b) => b.zone === 'bell-foundry');
      expect(tableRows(page, 'rag-figures')).toContainEqual([
        'Bell Foundry',
        String(bell.filter((b) => b.rag === 'red').length),
        String(bell.filter((b) => b.rag === 'amber').length),
        String(bell.filter((b) => b.rag === 'green').length),
      ]);
      expect(page).toMatch(/alt="Bar chart, live grants by People Zone and rating\. Bell Foundry: 1 Red\./);
    });

    it("names every bad field of a rating and changes nothing; a good one sets it, and the group sees the message but not staff's reason", async () => {
      const form = await staff.get(`/staff/grants/${g.youthClub}`).expect(200);
      const before = (await request(t.http).get(`/audit/streams/application-${g.youthClub}`).set(bearer(staffToken())).expect(200)).body.length;
      const bad = await staff
        .post(`/staff/grants/${g.youthClub}/rating`)
        .type('form')
        .send({ _csrf: csrfTokenIn(form.text), rating: 'purple', reason: '', message: 'x'.repeat(2001) })
        .expect(400);
      expect(errorSummaryOf(bad.text)).toEqual([
        'Select Red, Amber or Green',
        'Enter why you are setting this rating: the history keeps it',
        'The message must be 2,000 characters or fewer',
      ]);
      expect((await request(t.http).get(`/audit/streams/application-${g.youthClub}`).set(bearer(staffToken())).expect(200)).body.length).toBe(before);

      const done = await staff
        .post(`/staff/grants/${g.youthClub}/rating`)
        .type('form')
        .send({ _csrf: csrfTokenIn(form.text), rating: 'amber', reason: 'Two volunteers have left', message: 'Can we help you find volunteers?' })
        .expect(303);
      expect(done.headers.location).toBe(`/staff/grants/${g.youthClub}?rated=yes`);
      const page = (await staff.get(done.headers.location).expect(200)).text;
      expect(page).toContain('Rating set to Amber');
      expect(page).toContain('Two volunteers have left');
      const grantee = (await request(t.http).get(`/applications/${g.youthClub}`).set(bearer(t.token({ role: 'applicant', sub: 'user-org-b', org: 'org-b' }))).expect(200)).body;
      expect(grantee).toMatchObject({ rag: 'amber', ragMessage: 'Can we help you find volunteers?' });
      expect(grantee).not.toHaveProperty('ragReason');
      const board = (await request(t.http).get('/monitoring/rag').set(bearer(staffToken())).expect(200)).body;
      expect(board.find((b: { applicationId: string }) => b.applicationId === g.youthClub)).toMatchObject({ rag: 'amber', ragReason: 'Two volunteers have left' });
    });

    it("shows a closed grant's case study, without a rating form; an application that is not a grant is not found", async () => {
      const closed = (await staff.get(`/staff/grants/${g.patrol}`).expect(200)).text;
      expect(closed).toContain('Pastors on the street');
      expect(closed).toContain('Yes, the group consented');
      expect(closed).not.toContain('Set the rating');
      await staff.get(`/staff/grants/${g.mural}`).expect(404);
      await staff.get('/staff/grants/not-an-id').expect(404);
    });
  });

  describe('case studies: published once consented and approved, until consent is withdrawn or the author erased', () => {
    const caseStudy = (title: string, consentToPublish = true) => ({
      title,
      summary: 'Young people ran their own club.',
      outcomes: 'Thirty regulars.',
      beneficiaries: 30,
      quote: 'Somewhere to go',
      lessons: 'Ask them first.',
      sustainability: 'The centre keeps it open.',
      consentToPublish,
    });
    const approveOnPage = async (id: string) => {
      const page = await staff.get(`/staff/grants/${id}`).expect(200);
      return staff.post(`/staff/grants/${id}/case-study/approve`).type('form').send({ _csrf: csrfTokenIn(page.text) });
    };
    const published = async () => tableRowsOrNone((await request(t.http).get('/awards').expect(200)).text);
    const tableRowsOrNone = (html: string) => [...html.matchAll(/<h3 class="govuk-summary-card__title">([^<]+)<\/h3>/g)].map((m) => m[1]);

    it('staff approve a consented case study and it is published; withdrawn consent takes it down', async () => {
      expect(await published()).toEqual([]);
      const approved = await approveOnPage(g.patrol);
      expect(approved.status).toBe(303);
      expect((await staff.get(approved.headers.location).expect(200)).text).toContain('Case study approved');
      expect(await published()).toEqual(['Pastors on the street']);

      await request(t.http)
        .post(`/applications/${g.patrol}/case-study/withdraw-consent`)
        .set(bearer(t.token({ role: 'applicant', sub: 'user-org-b', org: 'org-b' })))
        .expect(200);
      expect(await published()).toEqual([]);
      const page = (await staff.get(`/staff/grants/${g.patrol}`).expect(200)).text;
      expect(page).toMatch(/withdrew consent on/);
      expect(page).not.toContain('Approve for publication');
      // Consent gone, approval is refused (the domain's answer, as a page).
      expect((await approveOnPage(g.patrol)).status).toBe(409);
    });

    it("an approved case study comes down when its author's personal data is erased", async () => {
      const vault = t.app.get(PersonalDataVault);
      const author = await vault.personIdFor('club.leader@example.org');
      await vault.seal(author, 'known to the vault');
      const authorToken = t.token({ role: 'applicant', sub: author, org: 'org-b' });
      await request(t.http).post(`/applications/${g.youthClub}/case-study`).set(bearer(authorToken)).send(caseStudy('Fridays together')).expect(201);
      expect((await approveOnPage(g.youthClub)).status).toBe(303);
      expect(await published()).toEqual(['Fridays together']);

      await request(t.http).post(`/people/${author}/erase`).set(bearer(staffToken())).send({ reason: 'Asked by email' }).expect(200);
      expect(await published()).toEqual([]);
    });
  });

  describe('/auditor, for auditors', () => {
    it('finds an application and reads its whole history in order: who, when, what and why', async () => {
      const found = (await auditor.get('/auditor?q=garden').expect(200)).text;
      expect(found).toContain(`href="/auditor/applications/${g.garden}"`);
      expect(found).not.toContain('Friday youth club');
      const history = (await auditor.get(`/auditor/applications/${g.garden}`).expect(200)).text;
      const rows = tableRows(history, 'history');
      const events = (await request(t.http).get(`/audit/streams/application-${g.garden}`).set(bearer(staffToken())).expect(200)).body as Array<{ position: number }>;
      expect(rows).toHaveLength(events.length);
      expect(rows.map((r) => r[1].split(' Event ')[0].replace(/ Weighted total.*| £.*/, ''))).toEqual([
        'Draft started',
        'Sent for assessment',
        'Scored by a panel member',
        'Scored by a panel member',
        'Grant awarded',
        'Monitoring scheduled',
        'RAG rating set green to red',
      ]);
      const rated = rows[6];
      expect(rated[2]).toMatch(/^staff-1 staff$/);
      expect(rated[3]).toBe('Safeguarding concern at the venue');
      expect(rows[2][3]).toBe('Promising, costs unclear');
    });

    it('shows the application as it stood before and after the award', async () => {
      const history = (await auditor.get(`/auditor/applications/${g.garden}`).expect(200)).text;
      const links = [...history.matchAll(/href="(\/auditor\/applications\/[^"]+\/state\?at=[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
      // Just after the second scoring, before the award; then just after the award.
      const before = (await auditor.get(links[3]).expect(200)).text;
      expect(before).toMatch(/Status<\/dt><dd[^>]*><strong class="govuk-tag govuk-tag--blue">\s*Sent/);
      expect(before).toContain('Nothing awarded');
      const after = (await auditor.get(links[4]).expect(200)).text;
      expect(after).toMatch(/govuk-tag--green">\s*Funded/);
      expect(after).toContain('£3,000');
      const longAgo = (await auditor.get(`/auditor/applications/${g.garden}/state?day=1&month=1&year=2020&time=12:00`).expect(200)).text;
      expect(longAgo).toContain('had not been started yet');
    });

    it('names every bad part of a date and time', async () => {
      const bad = await auditor.get(`/auditor/applications/${g.garden}/state?day=32&month=13&year=26&time=25:61`).expect(400);
      expect(errorSummaryOf(bad.text)).toEqual([
        'Day must be a number from 1 to 31',
        'Month must be a number from 1 to 12',
        'Year must have 4 numbers, like 2026',
        'Enter the time as hours and minutes on the 24-hour clock, like 14:30',
      ]);
      const impossible = await auditor.get(`/auditor/applications/${g.garden}/state?day=31&month=2&year=2026&time=12:00`).expect(400);
      expect(errorSummaryOf(impossible.text)).toEqual(['Enter a real date']);
    });

    it('shows what the panel member saw each time they scored: their own earlier scores only', async () => {
      const page = (await auditor.get(`/auditor/applications/${g.garden}/scoring`).expect(200)).text;
      const cards = page.split('govuk-summary-card__title-wrapper').slice(1);
      expect(cards).toHaveLength(2);
      expect(cards[0]).toContain('None: this was their first');
      expect(cards[1]).toContain('Weighted total 30');
      expect(cards[1]).toContain('Costs now clear');
    });

    it('verifies the hash chain, and names the event where it breaks', async () => {
      const form = await auditor.get('/auditor/chain').expect(200);
      const intact = (await auditor.post('/auditor/chain').type('form').send({ _csrf: csrfTokenIn(form.text) }).expect(200)).text;
      expect(intact).toContain('<title>The hash chain is intact');

      const replayForm = await auditor.get('/auditor/replay').expect(200);
      const replay = (await auditor.post('/auditor/replay').type('form').send({ _csrf: csrfTokenIn(replayForm.text) }).expect(200)).text;
      expect(replay).toContain('<title>Replay matches the read models');

      const db = new Database(t.config.sqlitePath);
      const award = db.prepare("SELECT position, data FROM events WHERE type = 'ApplicationAwarded' ORDER BY position LIMIT 1").get() as { position: number; data: string };
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(award.data.replace('300000', '900000'), award.position);
      db.prepare("UPDATE rm_docs SET doc = json_set(doc, '$.committedPence', 1) WHERE collection = 'rounds'").run();
      db.close();
      const broken = (await auditor.post('/auditor/chain').type('form').send({ _csrf: csrfTokenIn(form.text) }).expect(200)).text;
      expect(broken).toContain('<title>The hash chain is broken');
      expect(broken).toContain(`The chain breaks at event ${award.position}`);
      const differs = (await auditor.post('/auditor/replay').type('form').send({ _csrf: csrfTokenIn(replayForm.text) }).expect(200)).text;
      expect(differs).toContain('<title>Replay found differences');
      expect(differs).toMatch(/rounds\/[^<]+<\/h3>[\s\S]*Differs in: committedPence/);
    });
  });
});
