import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DATA_LICENSE, DEFAULT_FUNDER_ID, FUNDER_NAME } from '@pz/transparency';
import { financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * Open data (360Giving JSON and CSV) and the yearly summary, over HTTP, from fixtures built
 * through the API: two rounds (this financial year's and one that opened last year but closes
 * now), awards, a decline, a draft, a closed grant and staff RAG ratings.
 */

const PREFIX = 'opcc-test';
const SCHEMA = JSON.parse(readFileSync(join(__dirname, '../libs/transparency/test-data/360giving-package.schema.json'), 'utf8'));

/** The grants sheet of the standard's spreadsheet template, as our CSV must title it. */
const CSV_TITLES = [
  'Identifier',
  'Title',
  'Description',
  'Currency',
  'Amount Applied For',
  'Amount Awarded',
  'Award Date',
  'Planned Dates:Start Date',
  'Planned Dates:End Date',
  'Recipient Org:Identifier',
  'Recipient Org:Name',
  'Beneficiary Location:Name',
  'Beneficiary Location:Country Code',
  'Beneficiary Location:Description',
  'Funding Org:Identifier',
  'Funding Org:Name',
  'Grant Programme:Code',
  'Grant Programme:Title',
  'From an open call?',
  'Last modified',
  'Data Source',
];

const ukDay = (iso: string) => DateTime.fromISO(iso).setZone('Europe/London').toISODate();

interface Fixture {
  thisYear: string;
  lastYear: string;
  currentRound: string;
  lastYearRound: string;
  /** org-a, Bell Foundry, Pride of Place: awarded, then rated Red by staff. */
  gardenA: string;
  /** org-b, New Parks, Community Safety: awarded (org-b's first ever), then closed by its case study. */
  youthB: string;
  /** org-b, Bell Foundry, Community Safety: org-b's second award, rated Amber. */
  patrolB: string;
  /** org-c: declined. */
  declinedC: string;
  /** org-d: a draft never submitted. */
  draftD: string;
  /** org-a's award last year (its round's year), decided now. */
  lastYearA: string;
}

describe('Transparency: 360Giving open data and the yearly summary', () => {
  let t: TestApp;
  let staff: string;
  let auditor: string;
  let fx: Fixture;
  beforeAll(async () => {
    t = await startTestApp({ GRANTS_360_PREFIX: PREFIX });
    staff = t.token({ role: 'staff', sub: 'staff-1' });
    auditor = t.token({ role: 'auditor', sub: 'auditor-1' });

    const now = new Date();
    const thisYear = financialYearOf(new Date(now.getTime() - 60_000));
    const start = Number(thisYear.slice(0, 4));
    const lastYear = `${start - 1}-${String(start % 100).padStart(2, '0')}`;

    const current = await scheduleRound(t, { closesInMs: 4000 });
    // A round that opened in last year's April is still last year's, whenever its awards are decided.
    const lastYearRound = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .send({
        name: `People Zones Grants ${lastYear} Round 3`,
        financialYear: lastYear,
        kind: 'standard',
        zones: ['bell-foundry'],
        themes: ['Pride of Place'],
        opensAt: new Date(Date.UTC(start - 1, 3, 2, 9)).toISOString(),
        closesAt: current.closesAt,
        budgetPence: 1_000_000,
      })
      .expect(201);

    const gardenA = await openAndSubmit(t, current.id, 'org-a', {
      title: 'Bell Foundry Garden, "phase 2"',
      summary: '=HYPERLINK("http://evil.example","click me")',
      requestedPence: 450_000,
    });
    const youthB = await openAndSubmit(t, current.id, 'org-b', {
      title: '-2 knife crimes: a youth club',
      zone: 'new-parks',
      theme: 'Community Safety',
      summary: 'Friday night youth club at the community centre.',
      requestedPence: 200_000,
    });
    const patrolB = await openAndSubmit(t, current.id, 'org-b', {
      title: 'Street pastors',
      theme: 'Community Safety',
      requestedPence: 120_000,
    });
    const declinedC = await openAndSubmit(t, current.id, 'org-c', { title: 'Mural' });
    const draftD = (
      await request(t.http)
        .post(`/rounds/${current.id}/applications`)
        .set(bearer(t.token({ role: 'applicant', sub: 'user-org-d', org: 'org-d', email: 'org-d@example.org' })))
        .send({
          title: 'Never sent',
          zone: 'bell-foundry',
          theme: 'Pride of Place',
          summary: 'A draft.',
          requestedPence: 1_000,
          projectStart: '2027-01-01',
          projectEnd: '2027-06-30',
          sustainability: 'n/a',
        })
        .expect(201)
    ).body.id;
    const lastYearA = await openAndSubmit(t, lastYearRound.body.id, 'org-a', { title: 'Pocket park', requestedPence: 250_000 });

    await waitUntilPast(current.closesAt);
    const award = (id: string, amountPence: number) =>
      request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence }).expect(200);
    await award(lastYearA, 200_000);
    await award(gardenA, 300_000);
    await award(youthB, 150_050);
    await award(patrolB, 100_000);
    await request(t.http).post(`/applications/${declinedC}/decline`).set(bearer(staff)).send({ feedback: 'Budget unclear, sorry.' }).expect(200);
    await request(t.http).post(`/applications/${gardenA}/rag`).set(bearer(staff)).send({ rating: 'red', reason: 'Safeguarding concern at the venue' }).expect(200);
    await request(t.http).post(`/applications/${patrolB}/rag`).set(bearer(staff)).send({ rating: 'amber', reason: 'Volunteers hard to find' }).expect(200);
    await request(t.http)
      .post(`/applications/${youthB}/case-study`)
      .set(bearer(t.token({ role: 'applicant', sub: 'user-org-b', org: 'org-b' })))
      .send({
        title: 'Fridays together',
        summary: 'Young people ran their own club.',
        outcomes: 'Sixty young people came.',
        beneficiaries: 60,
        lessons: 'Ask them first.',
        sustainability: 'The centre keeps it going.',
        consentToPublish: true,
      })
      .expect(201);

    fx = { thisYear, lastYear, currentRound: current.id, lastYearRound: lastYearRound.body.id, gardenA, youthB, patrolB, declinedC, draftD, lastYearA };
  });

  afterAll(async () => {
    await t?.close();
  });

  const view = async (id: string) => (await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body;
  const grantId = (applicationId: string) => `360G-${PREFIX}-${applicationId}`;

  /** Things that are in the system but must never be in open data. */
  const neverPublished = () => [
    'example.org', // contact emails (the token's email is the default contact)
    'user-org-', // who opened the application
    'Safeguarding concern', // a RAG reason
    'Budget unclear', // decline feedback
    'A residents committee', // the sustainability answer
    'Young people ran their own club', // the case study
    'Never sent',
    'Mural',
  ];

  describe('GET /open-data/360giving.json', () => {
    let body: { grants: Record<string, unknown>[] } & Record<string, unknown>;

    beforeAll(async () => {
      const res = await request(t.http).get('/open-data/360giving.json').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      body = res.body;
    });

    it('publishes every award (closed ones too), and nothing else', () => {
      expect(body.grants.map((g) => g.id).sort()).toEqual([fx.gardenA, fx.youthB, fx.patrolB, fx.lastYearA].map(grantId).sort());
    });

    it("describes an award with the standard's fields, amounts in pounds", async () => {
      const a = await view(fx.gardenA);
      const grant = body.grants.find((g) => g.id === grantId(fx.gardenA));
      expect(grant).toEqual({
        id: grantId(fx.gardenA),
        title: 'Bell Foundry Garden, "phase 2"',
        description: '=HYPERLINK("http://evil.example","click me")',
        currency: 'GBP',
        amountAppliedFor: 4500,
        amountAwarded: 3000,
        awardDate: ukDay(a.decidedAt),
        plannedDates: [{ startDate: '2027-01-01', endDate: '2027-12-31' }],
        recipientOrganization: [{ id: `360G-${PREFIX}-org-org-a`, name: 'org-a' }],
        fundingOrganization: [{ id: DEFAULT_FUNDER_ID, name: FUNDER_NAME }],
        beneficiaryLocation: [{ name: 'Bell Foundry', description: 'Charnwood (Loughborough)', countryCode: 'GB' }],
        grantProgramme: [{ code: fx.currentRound, title: 'Journey round' }],
        fromOpenCall: 'Yes',
        dateModified: a.timeline.at(-1).at,
        dataSource: `${t.config.publicUrl}/open-data/360giving.json`,
      });
      const youth = body.grants.find((g) => g.id === grantId(fx.youthB));
      expect(youth).toMatchObject({ amountAwarded: 1500.5, beneficiaryLocation: [{ name: 'New Parks' }] });
      expect((await view(fx.youthB)).status).toBe('closed');
      expect(body.grants.find((g) => g.id === grantId(fx.lastYearA))).toMatchObject({
        grantProgramme: [{ code: fx.lastYearRound, title: `People Zones Grants ${fx.lastYear} Round 3` }],
      });
    });

    it('carries the package metadata the standard describes', () => {
      expect(body).toMatchObject({
        version: '1.4',
        license: DATA_LICENSE,
        publisher: { name: FUNDER_NAME, identifier: DEFAULT_FUNDER_ID },
        identifier: `360G-${PREFIX}-people-zones-grants`,
        downloadURL: `${t.config.publicUrl}/open-data/360giving.json`,
      });
      const latest = body.grants.map((g) => g.dateModified as string).sort().at(-1);
      expect(body.modified).toBe(latest);
    });

    it('holds no personal or internal data', () => {
      const text = JSON.stringify(body);
      for (const secret of neverPublished()) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      expect(text).not.toMatch(/"(contact|contactEmail|email|rag|ragReason|feedback|scores|openedBy)"/);
    });

    describe("against this project's JSON Schema of the 360Giving standard", () => {
      const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
      addFormats(ajv);
      const validate = ajv.compile(SCHEMA);
      const problems = (pkg: unknown) => (validate(pkg) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`));
      /** The real output with one grant changed. */
      const broken = (change: (grant: Record<string, unknown>) => void) => {
        const copy = structuredClone(body);
        change(copy.grants[0]);
        return problems(copy);
      };

      it('accepts the published package', () => {
        expect(problems(body)).toEqual([]);
      });

      it('refuses a currency other than GBP, or not an ISO 4217 code', () => {
        expect(broken((g) => (g.currency = 'EUR'))).toContain('/grants/0/currency const');
        expect(broken((g) => (g.currency = '£'))).toContain('/grants/0/currency pattern');
      });

      it('refuses amounts written as text, e.g. pence as a string', () => {
        expect(broken((g) => (g.amountAwarded = String(Math.round((g.amountAwarded as number) * 100))))).toContain('/grants/0/amountAwarded type');
        expect(broken((g) => (g.amountAppliedFor = '£4,500'))).toContain('/grants/0/amountAppliedFor type');
      });

      it('refuses an identifier without the 360G- prefix', () => {
        expect(broken((g) => (g.id = (g.id as string).replace(/^360G-/, '')))).toContain('/grants/0/id pattern');
        expect(broken((g) => ((g.recipientOrganization as { id: string }[])[0].id = 'org-a'))).toContain('/grants/0/recipientOrganization/0/id pattern');
      });

      it('refuses a grant missing a required field', () => {
        for (const field of ['id', 'title', 'description', 'currency', 'amountAwarded', 'awardDate', 'fundingOrganization']) {
          expect({ field, problems: broken((g) => delete g[field]) }).toEqual({ field, problems: expect.arrayContaining(['/grants/0 required']) });
        }
        expect(broken((g) => delete g.recipientOrganization)).toContain('/grants/0 oneOf');
        expect(broken((g) => ((g.fundingOrganization as object[])[0] = { id: DEFAULT_FUNDER_ID }))).toContain('/grants/0/fundingOrganization/0 required');
      });

      it('refuses a malformed date and an empty package', () => {
        expect(broken((g) => (g.awardDate = '01/07/2024'))).toContain('/grants/0/awardDate anyOf');
        expect(broken((g) => (g.dateModified = '2024-07-01'))).toContain('/grants/0/dateModified format');
        expect(problems({ ...body, grants: [] })).toContain('/grants minItems');
      });

      it('refuses personal details and fields the standard does not name', () => {
        expect(broken((g) => ((g.recipientOrganization as Record<string, unknown>[])[0].email = 'amy@org-a.example'))).toContain(
          '/grants/0/recipientOrganization/0/email false schema',
        );
        expect(broken((g) => (g.contactEmail = 'amy@org-a.example'))).toContain('/grants/0 additionalProperties');
      });
    });
  });

  describe('GET /open-data/360giving.csv', () => {
    let text: string;
    let rows: Record<string, string>[];
    let grants: { id: string; awardDate: string }[];

    beforeAll(async () => {
      const res = await request(t.http).get('/open-data/360giving.csv').expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      text = res.text;
      // Rows end in CRLF, as RFC 4180 and spreadsheets expect: parsed strictly so, not sniffed.
      const [header, ...data] = parseCsv(text, { record_delimiter: '\r\n' });
      expect(header).toEqual(CSV_TITLES);
      rows = data.map((cells) => Object.fromEntries(header.map((title, i) => [title, cells[i]])));
      grants = (await request(t.http).get('/open-data/360giving.json').expect(200)).body.grants;
    });

    it('has the same grants as the JSON, one a row, in the same order', () => {
      expect(rows.map((r) => r.Identifier)).toEqual(grants.map((g) => g.id));
      expect(rows.map((r) => r['Award Date'])).toEqual(grants.map((g) => g.awardDate));
    });

    it('fills the columns from the award, quoting commas and quotes', () => {
      const row = rows.find((r) => r.Identifier === grantId(fx.gardenA));
      expect(row).toMatchObject({
        Title: 'Bell Foundry Garden, "phase 2"',
        Currency: 'GBP',
        'Amount Applied For': '4500',
        'Amount Awarded': '3000',
        'Planned Dates:Start Date': '2027-01-01',
        'Recipient Org:Identifier': `360G-${PREFIX}-org-org-a`,
        'Beneficiary Location:Name': 'Bell Foundry',
        'Funding Org:Identifier': DEFAULT_FUNDER_ID,
        'Funding Org:Name': FUNDER_NAME,
        'Grant Programme:Code': fx.currentRound,
        'From an open call?': 'Yes',
      });
      expect(rows.find((r) => r.Identifier === grantId(fx.youthB))?.['Amount Awarded']).toBe('1500.5');
    });

    it('defuses cells a spreadsheet would run as a formula', () => {
      const garden = rows.find((r) => r.Identifier === grantId(fx.gardenA));
      expect(garden?.Description).toBe('\'=HYPERLINK("http://evil.example","click me")');
      expect(rows.find((r) => r.Identifier === grantId(fx.youthB))?.Title).toBe("'-2 knife crimes: a youth club");
      expect(rows.every((r) => Object.values(r).every((cell) => !/^[=+@]/.test(cell)))).toBe(true);
    });

    it('holds no personal or internal data', () => {
      for (const secret of neverPublished()) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    });
  });

  describe('GET /reports/summary', () => {
    const summary = (financialYear: string, token = staff) =>
      request(t.http).get('/reports/summary').query({ financialYear }).set(bearer(token));
    const rag = (green: number, amber: number, red: number) => ({ green, amber, red });

    it("sums the year's applications, awards, first-time recipients and RAG per zone and theme", async () => {
      const body = (await summary(fx.thisYear).expect(200)).body;
      expect(body).toEqual({
        financialYear: fx.thisYear,
        headline: '£5,500.50 invested in 3 projects across 2 People Zones',
        totals: { applications: 4, awards: 3, amountAwardedPence: 550_050, firstTimeRecipients: 1, rag: rag(1, 1, 1) },
        zones: [
          {
            zone: 'bell-foundry',
            name: 'Bell Foundry',
            applications: 3,
            awards: 2,
            amountAwardedPence: 400_000,
            // org-a had an award last year; org-b's first award is its New Parks one.
            firstTimeRecipients: 0,
            rag: rag(0, 1, 1),
            themes: [
              { theme: 'Community Safety', applications: 1, awards: 1, amountAwardedPence: 100_000, firstTimeRecipients: 0, rag: rag(0, 1, 0) },
              { theme: 'Pride of Place', applications: 2, awards: 1, amountAwardedPence: 300_000, firstTimeRecipients: 0, rag: rag(0, 0, 1) },
            ],
          },
          {
            zone: 'new-parks',
            name: 'New Parks',
            applications: 1,
            awards: 1,
            amountAwardedPence: 150_050,
            firstTimeRecipients: 1,
            rag: rag(1, 0, 0),
            themes: [{ theme: 'Community Safety', applications: 1, awards: 1, amountAwardedPence: 150_050, firstTimeRecipients: 1, rag: rag(1, 0, 0) }],
          },
          {
            zone: 'thringstone-whitwick',
            name: 'Thringstone & Whitwick',
            applications: 0,
            awards: 0,
            amountAwardedPence: 0,
            firstTimeRecipients: 0,
            rag: rag(0, 0, 0),
            themes: [],
          },
        ],
      });
    });

    it("counts an award in its round's financial year, not the year it was decided in", async () => {
      const body = (await summary(fx.lastYear).expect(200)).body;
      expect(body.totals).toEqual({ applications: 1, awards: 1, amountAwardedPence: 200_000, firstTimeRecipients: 1, rag: rag(1, 0, 0) });
      expect(body.headline).toBe('£2,000 invested in 1 project across 1 People Zone');
    });

    it('answers auditors the same as staff', async () => {
      expect((await summary(fx.thisYear, auditor).expect(200)).body).toEqual((await summary(fx.thisYear).expect(200)).body);
    });

    it('refuses a financial year not written like 2024-25, naming the field', async () => {
      for (const bad of ['2024', '2024-26', '24-25', 'this year']) {
        const res = await summary(bad).expect(400);
        expect({ bad, message: res.body.message }).toEqual({ bad, message: [expect.stringContaining('financialYear')] });
      }
      const missing = await request(t.http).get('/reports/summary').set(bearer(staff)).expect(400);
      expect(missing.body.message).toEqual(expect.arrayContaining([expect.stringContaining('financialYear')]));
    });
  });
});
