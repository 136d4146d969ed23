import {
  CSV_COLUMNS,
  grantIdentifier,
  PublishableApplication,
  publishedGrants,
  recipientIdentifier,
  toCsv,
  toGrant,
  toPackage,
  ukDay,
} from './three-sixty-giving';

const publisher = { prefix: 'opcc-llr', funder: { id: 'GB-GOR-PC000135', name: 'The OPCC' }, publicUrl: 'https://grants.example' };
const lookups = {
  round: (id: string) => (id === 'r1' ? { name: 'People Zones 2024-25 Round 1' } : undefined),
  zone: (id: string) => (id === 'bell-foundry' ? { name: 'Bell Foundry', area: 'Charnwood (Loughborough)' } : undefined),
};

const award = (overrides: Partial<PublishableApplication> = {}): PublishableApplication => ({
  id: 'a1',
  status: 'awarded',
  roundId: 'r1',
  org: 'org-a',
  title: 'Community garden',
  summary: 'Families turn a plot into a garden.',
  zone: 'bell-foundry',
  requestedPence: 450_000,
  awardedPence: 300_050,
  awardedAt: '2024-06-30T23:30:00.000Z',
  decidedAt: '2024-06-30T23:30:00.000Z',
  projectStart: '2024-09-01',
  projectEnd: '2025-08-31',
  lastChangedAt: '2024-07-02T10:00:00.000Z',
  ...overrides,
});

describe('360Giving grants', () => {
  it('maps an award to the standard, amounts in pounds', () => {
    expect(toGrant(award(), publisher, lookups)).toEqual({
      id: '360G-opcc-llr-a1',
      title: 'Community garden',
      description: 'Families turn a plot into a garden.',
      currency: 'GBP',
      amountAppliedFor: 4500,
      amountAwarded: 3000.5,
      // 23:30 UTC on 30 June is already 1 July in Leicestershire (BST).
      awardDate: '2024-07-01',
      plannedDates: [{ startDate: '2024-09-01', endDate: '2025-08-31' }],
      recipientOrganization: [{ id: '360G-opcc-llr-org-org-a', name: 'org-a' }],
      fundingOrganization: [{ id: 'GB-GOR-PC000135', name: 'The OPCC' }],
      beneficiaryLocation: [{ name: 'Bell Foundry', description: 'Charnwood (Loughborough)', countryCode: 'GB' }],
      grantProgramme: [{ code: 'r1', title: 'People Zones 2024-25 Round 1' }],
      fromOpenCall: 'Yes',
      dateModified: '2024-07-02T10:00:00.000Z',
      dataSource: 'https://grants.example/open-data/360giving.json',
    });
  });

  it('falls back to ids for a zone or round it cannot name', () => {
    const grant = toGrant(award({ zone: 'old-zone', roundId: 'r-gone' }), publisher, lookups);
    expect(grant.beneficiaryLocation).toEqual([{ name: 'old-zone', countryCode: 'GB' }]);
    expect(grant.grantProgramme).toEqual([{ code: 'r-gone', title: 'r-gone' }]);
  });

  it('publishes awarded and closed grants only, oldest award first', () => {
    const apps = [
      award({ id: 'late', decidedAt: '2024-09-01T10:00:00Z', awardedAt: '2024-09-01T10:00:00Z' }),
      award({ id: 'closed', status: 'closed', decidedAt: '2024-05-01T10:00:00Z', awardedAt: '2024-05-01T10:00:00Z' }),
      award({ id: 'declined', status: 'declined', awardedPence: null, awardedAt: null }),
      award({ id: 'submitted', status: 'submitted', awardedPence: null, awardedAt: null, decidedAt: null }),
    ];
    expect(publishedGrants(apps, publisher, lookups).map((g) => g.id)).toEqual(['360G-opcc-llr-closed', '360G-opcc-llr-late']);
  });

  it('keeps spaces and slashes out of identifiers', () => {
    expect(grantIdentifier('opcc-llr', 'a/b c')).toBe('360G-opcc-llr-a_b_c');
    expect(recipientIdentifier('opcc-llr', 'St Mary\'s/Group')).toBe('360G-opcc-llr-org-St_Mary_s_Group');
  });

  it('names a registered organisation by its charity number, else its company number, else our own id', () => {
    const registered = (charityNumber: string | null, companyNumber: string | null) => ({
      ...lookups,
      organisation: (id: string) => (id === 'org-a' ? { name: 'Bell Foundry Gardeners', charityNumber, companyNumber } : undefined),
    });
    expect(toGrant(award(), publisher, registered('1234567', '01234567')).recipientOrganization).toEqual([
      { id: 'GB-CHC-1234567', name: 'Bell Foundry Gardeners', charityNumber: '1234567', companyNumber: '01234567' },
    ]);
    expect(toGrant(award(), publisher, registered(null, 'SC123456')).recipientOrganization).toEqual([{ id: 'GB-COH-SC123456', name: 'Bell Foundry Gardeners', companyNumber: 'SC123456' }]);
    expect(toGrant(award(), publisher, registered(null, null)).recipientOrganization).toEqual([{ id: '360G-opcc-llr-org-org-a', name: 'Bell Foundry Gardeners' }]);
    // An id from before registration existed (a token's, the demo's) keeps its old form.
    expect(toGrant(award({ org: 'org-legacy' }), publisher, registered('1234567', null)).recipientOrganization).toEqual([{ id: '360G-opcc-llr-org-org-legacy', name: 'org-legacy' }]);
  });

  it('takes the UK day of an award, not the UTC one', () => {
    expect(ukDay('2025-01-15T23:30:00Z')).toBe('2025-01-15');
    expect(ukDay('2025-07-15T23:30:00Z')).toBe('2025-07-16');
  });

  it('dates the package by its latest grant change, and leaves it undated when empty', () => {
    const grants = publishedGrants([award(), award({ id: 'a2', lastChangedAt: '2024-08-01T00:00:00.000Z' })], publisher, lookups);
    expect(toPackage(grants, publisher)).toMatchObject({ version: '1.4', modified: '2024-08-01T00:00:00.000Z' });
    expect(toPackage([], publisher)).not.toHaveProperty('modified');
  });
});

describe('360Giving CSV', () => {
  const rows = (csv: string) => csv.split('\r\n').filter((line) => line !== '');

  it('writes the standard column titles, then one grant a row', () => {
    const csv = toCsv(publishedGrants([award()], publisher, lookups));
    const [header, row, ...rest] = rows(csv);
    expect(header).toBe(CSV_COLUMNS.map(([title]) => title).join(','));
    expect(header.startsWith('Identifier,Title,Description,Currency,Amount Applied For,Amount Awarded,Award Date,')).toBe(true);
    expect(row).toBe(
      '360G-opcc-llr-a1,Community garden,Families turn a plot into a garden.,GBP,4500,3000.5,2024-07-01,2024-09-01,2025-08-31,' +
        '360G-opcc-llr-org-org-a,org-a,Bell Foundry,GB,Charnwood (Loughborough),GB-GOR-PC000135,The OPCC,r1,People Zones 2024-25 Round 1,' +
        'Yes,2024-07-02T10:00:00.000Z,https://grants.example/open-data/360giving.json',
    );
    expect(rest).toEqual([]);
  });

  it('defuses cells a spreadsheet would run as a formula, and quotes what needs quoting', () => {
    const grants = publishedGrants(
      [
        award({ id: 'f1', title: '=HYPERLINK("http://evil.example","click")', summary: '+1 youth club' }),
        award({ id: 'f2', title: '-2 knife crimes', summary: '@SUM(A1:A2), and "more"' }),
      ],
      publisher,
      lookups,
    );
    const csv = toCsv(grants);
    expect(csv).toContain('360G-opcc-llr-f1,"\'=HYPERLINK(""http://evil.example"",""click"")",\'+1 youth club,');
    expect(csv).toContain('360G-opcc-llr-f2,\'-2 knife crimes,"\'@SUM(A1:A2), and ""more""",');
  });
});
