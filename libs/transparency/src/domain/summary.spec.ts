import { headline, money, ReportableApplication, summarise } from './summary';

const zones = [
  { id: 'bell-foundry', name: 'Bell Foundry' },
  { id: 'new-parks', name: 'New Parks' },
  { id: 'thringstone-whitwick', name: 'Thringstone & Whitwick' },
];
const years: Record<string, string> = { last: '2023-24', this: '2024-25' };

let n = 0;
const app = (overrides: Partial<ReportableApplication>): ReportableApplication => ({
  id: `app-${++n}`,
  org: 'org-a',
  roundId: 'this',
  zone: 'bell-foundry',
  theme: 'Pride of Place',
  status: 'submitted',
  submittedAt: '2024-05-01T10:00:00Z',
  awardedPence: null,
  awardedAt: null,
  decidedAt: null,
  rag: null,
  ...overrides,
});
const awarded = (at: string, pence: number, overrides: Partial<ReportableApplication> = {}) =>
  app({ status: 'awarded', awardedPence: pence, awardedAt: at, decidedAt: at, rag: 'green', ...overrides });

const report = (applications: ReportableApplication[], financialYear = '2024-25') =>
  summarise({ financialYear, applications, financialYearOfRound: (id) => years[id], zones });

describe('summary report', () => {
  it('counts submitted applications and awards per zone and theme, by the round\'s financial year', () => {
    const r = report([
      app({ status: 'draft', submittedAt: null }),
      app({ status: 'declined', decidedAt: '2024-06-01T10:00:00Z' }),
      app({ status: 'withdrawn' }),
      awarded('2024-06-01T10:00:00Z', 300_000),
      awarded('2024-06-02T10:00:00Z', 150_050, { org: 'org-b', zone: 'new-parks', theme: 'Community Safety', status: 'closed', rag: 'amber' }),
      // Decided in 2024-25, but its round is last year's: it counts there.
      awarded('2024-06-03T10:00:00Z', 99_900, { org: 'org-c', roundId: 'last' }),
    ]);
    expect(r.totals).toEqual({
      applications: 4,
      awards: 2,
      amountAwardedPence: 450_050,
      firstTimeRecipients: 2,
      rag: { green: 1, amber: 1, red: 0 },
    });
    expect(r.zones.map((z) => [z.zone, z.applications, z.awards, z.amountAwardedPence])).toEqual([
      ['bell-foundry', 3, 1, 300_000],
      ['new-parks', 1, 1, 150_050],
      ['thringstone-whitwick', 0, 0, 0],
    ]);
    expect(r.zones[0].themes).toEqual([{ theme: 'Pride of Place', applications: 3, awards: 1, amountAwardedPence: 300_000, firstTimeRecipients: 1, rag: { green: 1, amber: 0, red: 0 } }]);
    expect(r.headline).toBe('£4,500.50 invested in 2 projects across 2 People Zones');
  });

  it('credits an organisation as first-time once, on its first award, and never after an earlier year\'s award', () => {
    const apps = [
      awarded('2024-01-10T10:00:00Z', 100_000, { org: 'veteran', roundId: 'last' }),
      awarded('2024-06-01T10:00:00Z', 100_000, { org: 'veteran' }),
      awarded('2024-07-01T10:00:00Z', 100_000, { org: 'newcomer', zone: 'new-parks', theme: 'Community Safety' }),
      awarded('2024-06-01T10:00:00Z', 100_000, { org: 'newcomer', theme: 'Community Safety' }),
    ];
    const r = report(apps);
    expect(r.totals.firstTimeRecipients).toBe(1);
    const credited = r.zones.flatMap((z) => z.themes.filter((t) => t.firstTimeRecipients > 0).map((t) => [z.zone, t.theme]));
    expect(credited).toEqual([['bell-foundry', 'Community Safety']]);
    expect(report(apps, '2023-24').totals.firstTimeRecipients).toBe(1);
  });

  it('keeps a zone no longer configured, named by its id, after the configured ones', () => {
    const r = report([awarded('2024-06-01T10:00:00Z', 5_000, { zone: 'old-zone' })]);
    expect(r.zones.map((z) => [z.zone, z.name])).toEqual([
      ['bell-foundry', 'Bell Foundry'],
      ['new-parks', 'New Parks'],
      ['thringstone-whitwick', 'Thringstone & Whitwick'],
      ['old-zone', 'old-zone'],
    ]);
  });

  it('writes the headline as people would say it', () => {
    const totals = (awards: number, amountAwardedPence: number) => ({
      applications: awards,
      awards,
      amountAwardedPence,
      firstTimeRecipients: 0,
      rag: { green: 0, amber: 0, red: 0 },
    });
    expect(headline(totals(17, 11_060_000), [totals(5, 1), totals(6, 1), totals(6, 1)])).toBe(
      '£110,600 invested in 17 projects across 3 People Zones',
    );
    expect(headline(totals(1, 250_000), [totals(1, 1), totals(0, 0)])).toBe('£2,500 invested in 1 project across 1 People Zone');
    expect(headline(totals(0, 0), [totals(0, 0)])).toBe('£0 invested in 0 projects across 0 People Zones');
    expect(money(123_456_789)).toBe('£1,234,567.89');
  });
});
