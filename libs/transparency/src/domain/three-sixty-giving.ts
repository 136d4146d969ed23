import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { SERVICE_ZONE } from '@pz/platform/domain';
import type { ApplicationDoc } from '@pz/applications';

/**
 * Awards as the 360Giving Data Standard (1.4) describes grants: the JSON package and the
 * spreadsheet columns. Pure: everything it publishes is passed in, and it reads only the fields
 * named in `PublishableApplication`, so nothing sealed or personal (contact, who opened it,
 * scores, feedback, RAG reasons) can reach the open data by accident.
 */

/** The standard version these files follow; goes in the package's `version`. */
export const STANDARD_VERSION = '1.4';
/** The OPCC is a public body: its open data is published under the Open Government Licence. */
export const DATA_LICENSE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const UK_ZONE = SERVICE_ZONE;

export type PublishableApplication = Pick<
  ApplicationDoc,
  | 'id'
  | 'status'
  | 'roundId'
  | 'org'
  | 'title'
  | 'summary'
  | 'zone'
  | 'requestedPence'
  | 'awardedPence'
  | 'awardedAt'
  | 'decidedAt'
  | 'projectStart'
  | 'projectEnd'
  | 'lastChangedAt'
>;

export interface Publisher {
  /** 360Giving prefix without `360G-`. */
  prefix: string;
  funder: { id: string; name: string };
  /** Absolute base URL of this service, for `dataSource` and the package's links. */
  publicUrl: string;
}

/** A registered organisation as the open data names it: by its charity or company number when it has one. */
export interface RegisteredRecipient {
  name: string;
  charityNumber: string | null;
  companyNumber: string | null;
}

export interface PublishingLookups {
  round(roundId: string): { name: string } | undefined;
  zone(zoneId: string): { name: string; area: string } | undefined;
  /** Organisations registered through sign-in; older ids (from tokens, the demo) have none. */
  organisation?(orgId: string): RegisteredRecipient | undefined;
}

export interface Organisation {
  id: string;
  name: string;
  charityNumber?: string;
  companyNumber?: string;
}

export interface Grant360 {
  id: string;
  title: string;
  description: string;
  currency: 'GBP';
  amountAppliedFor: number;
  amountAwarded: number;
  awardDate: string;
  plannedDates: { startDate: string; endDate: string }[];
  recipientOrganization: Organisation[];
  fundingOrganization: Organisation[];
  beneficiaryLocation: { name: string; description?: string; countryCode: 'GB' }[];
  grantProgramme: { code: string; title: string }[];
  fromOpenCall: 'Yes';
  dateModified: string;
  dataSource: string;
}

export interface Package360 {
  version: string;
  title: string;
  description: string;
  identifier: string;
  publisher: { identifier: string; name: string; website: string };
  license: string;
  accessURL: string;
  downloadURL: string;
  modified?: string;
  grants: Grant360[];
}

export const OPEN_DATA_JSON_PATH = '/open-data/360giving.json';
export const OPEN_DATA_CSV_PATH = '/open-data/360giving.csv';

export function isAward(app: Pick<ApplicationDoc, 'status' | 'awardedPence'>): boolean {
  return (app.status === 'awarded' || app.status === 'closed') && app.awardedPence !== null;
}

/** Identifier guidance: no spaces, slashes or other specials inside an identifier; `_` stands in. */
export function identifierPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function grantIdentifier(prefix: string, applicationId: string): string {
  return `360G-${prefix}-${identifierPart(applicationId)}`;
}

/**
 * An organisation without a charity or company number (most small community groups) takes the
 * standard's form for organisations without one, from our own id for it.
 */
export function recipientIdentifier(prefix: string, org: string): string {
  return `360G-${prefix}-org-${identifierPart(org)}`;
}

/**
 * The recipient as 360Giving prefers it: a registered charity by its Charity Commission number
 * (GB-CHC-), else a company by its Companies House number (GB-COH-), else our own identifier.
 */
export function recipientOf(prefix: string, orgId: string, registered: RegisteredRecipient | undefined): Organisation {
  if (!registered) return { id: recipientIdentifier(prefix, orgId), name: orgId };
  const id = registered.charityNumber
    ? `GB-CHC-${registered.charityNumber}`
    : registered.companyNumber
      ? `GB-COH-${registered.companyNumber}`
      : recipientIdentifier(prefix, orgId);
  return {
    id,
    name: registered.name,
    ...(registered.charityNumber ? { charityNumber: registered.charityNumber } : {}),
    ...(registered.companyNumber ? { companyNumber: registered.companyNumber } : {}),
  };
}

/** The time of an award is never significant (the standard says so): its UK calendar day is. */
export function ukDay(instant: string): string {
  const day = DateTime.fromISO(instant, { setZone: true }).setZone(UK_ZONE).toISODate();
  if (!day) throw new RangeError(`Not an ISO 8601 instant: ${instant}`);
  return day;
}

export const pounds = (pence: number): number => pence / 100;

export function toGrant(app: PublishableApplication, publisher: Publisher, lookups: PublishingLookups): Grant360 {
  const decidedAt = app.awardedAt ?? app.decidedAt;
  if (!isAward(app) || decidedAt === null || app.awardedPence === null) {
    throw new RangeError(`Application ${app.id} is not an award`);
  }
  const zone = lookups.zone(app.zone);
  return {
    id: grantIdentifier(publisher.prefix, app.id),
    title: app.title,
    description: app.summary,
    currency: 'GBP',
    amountAppliedFor: pounds(app.requestedPence),
    amountAwarded: pounds(app.awardedPence),
    awardDate: ukDay(decidedAt),
    plannedDates: [{ startDate: app.projectStart, endDate: app.projectEnd }],
    recipientOrganization: [recipientOf(publisher.prefix, app.org, lookups.organisation?.(app.org))],
    fundingOrganization: [{ id: publisher.funder.id, name: publisher.funder.name }],
    beneficiaryLocation: [
      zone ? { name: zone.name, description: zone.area, countryCode: 'GB' } : { name: app.zone, countryCode: 'GB' },
    ],
    grantProgramme: [{ code: app.roundId, title: lookups.round(app.roundId)?.name ?? app.roundId }],
    fromOpenCall: 'Yes',
    dateModified: app.lastChangedAt,
    dataSource: `${publisher.publicUrl}${OPEN_DATA_JSON_PATH}`,
  };
}

/** Every award, oldest decision first, so the file reads (and diffs) in a stable order. */
export function publishedGrants(
  apps: readonly PublishableApplication[],
  publisher: Publisher,
  lookups: PublishingLookups,
): Grant360[] {
  return apps
    .filter(isAward)
    .map((app) => toGrant(app, publisher, lookups))
    .sort((a, b) => a.awardDate.localeCompare(b.awardDate) || a.id.localeCompare(b.id));
}

export function toPackage(grants: Grant360[], publisher: Publisher): Package360 {
  const latest = grants.reduce<string | undefined>((max, g) => (max === undefined || g.dateModified > max ? g.dateModified : max), undefined);
  const pkg: Package360 = {
    version: STANDARD_VERSION,
    title: `${publisher.funder.name}: People Zones grants`,
    description:
      'Every People Zones grant awarded by the Office of the Police and Crime Commissioner for Leicester, ' +
      'Leicestershire and Rutland, in the 360Giving Data Standard.',
    identifier: `360G-${publisher.prefix}-people-zones-grants`,
    publisher: { identifier: publisher.funder.id, name: publisher.funder.name, website: publisher.publicUrl },
    license: DATA_LICENSE,
    accessURL: `${publisher.publicUrl}/docs`,
    downloadURL: `${publisher.publicUrl}${OPEN_DATA_JSON_PATH}`,
    grants,
  };
  // Derived from the grants rather than the clock, so the same data always gives the same file.
  if (latest) pkg.modified = latest;
  return pkg;
}

/**
 * Column titles as the standard's spreadsheet template writes them (its grants sheet, in that order;
 * `Beneficiary Location:Description` is the standard's title for a field the sheet leaves out).
 */
export const CSV_COLUMNS: readonly (readonly [string, (g: Grant360) => string | number | undefined])[] = [
  ['Identifier', (g) => g.id],
  ['Title', (g) => g.title],
  ['Description', (g) => g.description],
  ['Currency', (g) => g.currency],
  ['Amount Applied For', (g) => g.amountAppliedFor],
  ['Amount Awarded', (g) => g.amountAwarded],
  ['Award Date', (g) => g.awardDate],
  ['Planned Dates:Start Date', (g) => g.plannedDates[0]?.startDate],
  ['Planned Dates:End Date', (g) => g.plannedDates[0]?.endDate],
  ['Recipient Org:Identifier', (g) => g.recipientOrganization[0]?.id],
  ['Recipient Org:Name', (g) => g.recipientOrganization[0]?.name],
  ['Beneficiary Location:Name', (g) => g.beneficiaryLocation[0]?.name],
  ['Beneficiary Location:Country Code', (g) => g.beneficiaryLocation[0]?.countryCode],
  ['Beneficiary Location:Description', (g) => g.beneficiaryLocation[0]?.description],
  ['Funding Org:Identifier', (g) => g.fundingOrganization[0]?.id],
  ['Funding Org:Name', (g) => g.fundingOrganization[0]?.name],
  ['Grant Programme:Code', (g) => g.grantProgramme[0]?.code],
  ['Grant Programme:Title', (g) => g.grantProgramme[0]?.title],
  ['From an open call?', (g) => g.fromOpenCall],
  ['Last modified', (g) => g.dateModified],
  ['Data Source', (g) => g.dataSource],
];

/**
 * One grant a row. Applicants write the titles and summaries, so a cell a spreadsheet would run
 * as a formula (= + - @ ...) is defused with a leading apostrophe; numbers are left as numbers.
 */
export function toCsv(grants: readonly Grant360[]): string {
  return stringify(
    grants.map((g) => CSV_COLUMNS.map(([, cell]) => cell(g))),
    {
      header: true,
      columns: CSV_COLUMNS.map(([title]) => title),
      escape_formulas: true,
      record_delimiter: 'windows',
    },
  );
}
