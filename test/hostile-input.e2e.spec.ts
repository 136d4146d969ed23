import { deflateSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { applicationBody, financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { backgroundWorkDone, requestSubscription, subscribeConfirmed } from './support/subscriptions';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * Hostile input: property-based fuzzing of the body of every write route, sent by a caller who
 * IS allowed to call it (so authorisation is not what answers). Whatever arrives — any JSON,
 * wrong types, huge strings, odd unicode, `__proto__`/`constructor` keys, deep nesting, bodies
 * over the size limit, the wrong content type — the answer is 400, 413 or 415 in Nest's shape,
 * never a 5xx, and nothing is written: the event log's head does not move and (but for one known
 * gap, see `sealsBeforeDeciding`) no personal-data key is created. Every generated body is
 * invalid by construction; the last test of each route
 * sends its valid body and sees it accepted, so the refusals came from the fuzzed part.
 *
 * Each property has its own seed derived from FC_SEED; FC_RUNS scales the runs; FC_NO_SHRINK=1
 * reports the first counterexample without shrinking it (each shrink step is a request).
 */

const SEED = Number(process.env.FC_SEED ?? 20_261_122);
const RUNS = Number(process.env.FC_RUNS ?? 40);
/** The promised limit (BODY_LIMIT_BYTES = 64 KB = 65,536 bytes), written out so that changing the limit fails here. */
const BODY_LIMIT_BYTES = 64 * 1024;
const DAY = 24 * 3600 * 1000;
const ORG = 'org-hostile';
const PANEL = 'panel-hostile';
const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };

// ---------------------------------------------------------------------------------------------
// Raw JSON: JSON.stringify cannot produce an own "__proto__" key from an object literal, so bodies
// are written by hand. `Entries` is an object given as ordered key/value pairs (any key at all),
// `Raw` is JSON text used as-is (deep nesting is cheaper to write than to build).
// ---------------------------------------------------------------------------------------------
class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') return toJson(new Entries(Object.entries(value)));
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// What each route's body looks like: enough to generate values of the wrong type for each field.
// ---------------------------------------------------------------------------------------------
type Kind = 'text' | 'int' | 'bool' | 'strings' | 'objects' | 'stringRecord' | 'scores';

interface Field {
  kind: Kind;
  /** Leaving it out is fine. On a POST, `null` counts as left out (class-validator's IsOptional). */
  optional?: boolean;
  /** Strings of the right type that are still invalid (format, enum, single line). */
  bad?: fc.Arbitrary<string>;
  /** Smallest allowed value of an integer. */
  min?: number;
  /** The fields of each item of an array of objects, and a valid item. */
  item?: { fields: Record<string, Field>; valid: Record<string, unknown> };
}

interface WriteRoute {
  method: 'post' | 'put' | 'patch';
  /** The route as the router knows it, e.g. "POST /rounds/{id}/cancel". */
  route: string;
  path: () => string;
  token: () => string | undefined;
  /** A body the route accepts (with its optional objects present, to have somewhere to nest keys); undefined: it takes no body. */
  valid?: () => Record<string, unknown>;
  fields: Record<string, Field>;
  /** A PATCH changes only what it is given: there a `null` would clear a field, so it must be refused. */
  patch?: boolean;
  okStatus: number;
  /** False for a POST that only reads (a look-up): its valid body is accepted without writing. */
  writes?: boolean;
  /** Rate limited per client (public subscription routes): each request comes from a client of its own. */
  throttled?: boolean;
  /**
   * Known gap, not in this suite's reach: opening an application seals the contact email in the
   * personal-data vault before the decider runs, so a body the decider refuses (unknown zone or
   * theme) still leaves a vault key behind. The event log is still checked.
   */
  sealsBeforeDeciding?: boolean;
}

const text = (bad?: fc.Arbitrary<string>): Field => ({ kind: 'text', bad });
const line = (): Field => text(fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\n', '\r', '\r\n'), fc.string({ maxLength: 8 })).map((p) => p.join('')));
const pattern = (re: RegExp): Field => text(fc.string({ maxLength: 24 }).filter((s) => !re.test(s)));
const date = (): Field => pattern(/^\d{4}-\d{2}-\d{2}$/);
/** IsISO8601 strict; a random string that begins with four digits might be one. */
const instant = (): Field => text(fc.string({ maxLength: 24 }).filter((s) => !/^\d{4}/.test(s)));
const oneOf = (values: string[]): Field => text(fc.string({ maxLength: 12 }).filter((s) => !values.includes(s)));
const email = (): Field => text(fc.string({ maxLength: 24 }).filter((s) => !s.includes('@')));
const int = (min: number): Field => ({ kind: 'int', min });
const bool = (): Field => ({ kind: 'bool' });
const optional = (f: Field): Field => ({ ...f, optional: true });

const applicationFields: Record<string, Field> = {
  title: line(),
  zone: text(fc.string({ maxLength: 12 }).filter((s) => !['bell-foundry', 'new-parks'].includes(s))),
  theme: text(fc.string({ maxLength: 12 }).filter((s) => !['Pride of Place', 'Community Safety'].includes(s))),
  summary: text(),
  requestedPence: int(1),
  projectStart: date(),
  projectEnd: date(),
  sustainability: text(),
  partners: optional({
    kind: 'objects',
    item: { fields: { name: line(), identifier: optional(pattern(/^[A-Za-z0-9-]+$/)) }, valid: { name: 'Friends of Bell Foundry Park', identifier: 'GB-CHC-1234567' } },
  }),
  contactEmail: optional(email()),
  answers: optional({ kind: 'stringRecord' }),
};

const richApplication = {
  ...applicationBody,
  partners: [{ name: 'Friends of Bell Foundry Park', identifier: 'GB-CHC-1234567' }],
  contactEmail: 'coordinator@example.org',
  answers: { 'why-here': 'The plot has been empty for ten years.' },
};

// ---------------------------------------------------------------------------------------------
// Fixtures, made through the API in beforeAll; one target per route so routes never share state.
// ---------------------------------------------------------------------------------------------
interface Fixtures {
  roundToReschedule: { id: string; closesAt: string };
  roundToCancel: string;
  roundForPanel: string;
  openRound: string;
  draftToEdit: string;
  draftToSubmit: string;
  submittedToWithdraw: string;
  submittedForConflict: string;
  submittedToScore: string;
  closedToAward: string;
  closedToDecline: string;
  grantForCheckIn: string;
  grantForReturn: string;
  grantForCaseStudy: string;
  grantForRag: string;
  /** Closed grants whose case studies were filed with consent. */
  caseStudyToApprove: string;
  caseStudyToWithdraw: string;
  confirmToken: string;
  unsubscribeToken: string;
  personToErase: string;
}

let t: TestApp;
let fx: Fixtures;
let store: EventStore;
let db: Database.Database;
let tokens: { staff: string; applicant: string; panel: string };
let prototypeKeysBefore: Record<string, string[]>;

const ROUTES: WriteRoute[] = [
  {
    method: 'post',
    route: 'POST /rounds',
    path: () => '/rounds',
    token: () => tokens.staff,
    valid: () => {
      const opensAt = new Date(Date.now() + 40 * DAY);
      return {
        name: 'Hostile input round',
        financialYear: financialYearOf(opensAt),
        kind: 'standard',
        zones: ['bell-foundry'],
        themes: ['Pride of Place'],
        opensAt: opensAt.toISOString(),
        closesAt: new Date(opensAt.getTime() + 28 * DAY).toISOString(),
        budgetPence: 1_000_000,
        maxAwardPence: 500_000,
        criteria: [{ key: 'need', title: 'Need in the zone', weight: 3 }],
      };
    },
    fields: {
      // Multi-line is allowed here (mail subjects fold whitespace), unlike an application's title.
      name: text(),
      financialYear: pattern(/^\d{4}-\d{2}$/),
      kind: oneOf(['standard', 'collaborative']),
      zones: { kind: 'strings' },
      themes: { kind: 'strings' },
      opensAt: instant(),
      closesAt: instant(),
      budgetPence: int(1),
      maxAwardPence: optional(int(1)),
      criteria: optional({
        kind: 'objects',
        item: {
          fields: { key: pattern(/^[a-z][a-z0-9-]{0,39}$/), title: text(), weight: int(1) },
          valid: { key: 'need', title: 'Need in the zone', weight: 3 },
        },
      }),
    },
    okStatus: 201,
  },
  {
    method: 'patch',
    route: 'PATCH /rounds/{id}',
    path: () => `/rounds/${fx.roundToReschedule.id}`,
    token: () => tokens.staff,
    valid: () => ({ closesAt: new Date(Date.parse(fx.roundToReschedule.closesAt) + DAY).toISOString() }),
    fields: { opensAt: optional(instant()), closesAt: optional(instant()) },
    patch: true,
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /rounds/{id}/cancel',
    path: () => `/rounds/${fx.roundToCancel}/cancel`,
    token: () => tokens.staff,
    valid: () => ({ reason: 'Budget withdrawn by the commissioner' }),
    fields: { reason: text() },
    okStatus: 200,
  },
  {
    method: 'put',
    route: 'PUT /rounds/{id}/panel',
    path: () => `/rounds/${fx.roundForPanel}/panel`,
    token: () => tokens.staff,
    valid: () => ({ members: [PANEL, 'panel-two'] }),
    fields: { members: { kind: 'strings' } },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /rounds/{roundId}/applications',
    path: () => `/rounds/${fx.openRound}/applications`,
    token: () => tokens.applicant,
    valid: () => richApplication,
    fields: applicationFields,
    okStatus: 201,
    sealsBeforeDeciding: true,
  },
  {
    method: 'patch',
    route: 'PATCH /applications/{id}',
    path: () => `/applications/${fx.draftToEdit}`,
    token: () => tokens.applicant,
    valid: () => ({ title: 'Bell Foundry Community Garden, phase 2', partners: richApplication.partners, answers: richApplication.answers }),
    fields: Object.fromEntries(Object.entries(applicationFields).map(([k, f]) => [k, optional(f)])),
    patch: true,
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/submit',
    path: () => `/applications/${fx.draftToSubmit}/submit`,
    token: () => tokens.applicant,
    fields: {},
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/withdraw',
    path: () => `/applications/${fx.submittedToWithdraw}/withdraw`,
    token: () => tokens.applicant,
    valid: () => ({ reason: 'We found other funding' }),
    fields: { reason: optional(text()) },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/conflicts',
    path: () => `/applications/${fx.submittedForConflict}/conflicts`,
    token: () => tokens.panel,
    valid: () => ({ reason: 'I am a trustee of the applicant' }),
    fields: { reason: text() },
    okStatus: 201,
  },
  {
    method: 'put',
    route: 'PUT /applications/{id}/scores',
    path: () => `/applications/${fx.submittedToScore}/scores`,
    token: () => tokens.panel,
    valid: () => ({ scores: SCORES, comment: 'Strong local support.' }),
    fields: { scores: { kind: 'scores' }, comment: text() },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/award',
    path: () => `/applications/${fx.closedToAward}/award`,
    token: () => tokens.staff,
    valid: () => ({
      amountPence: 100_000,
      tranches: [{ amountPence: 100_000, dueOn: '2027-03-01' }],
      conditions: ['quarterly-photos'],
      note: 'Strong panel support',
    }),
    fields: {
      amountPence: int(1),
      tranches: optional({
        kind: 'objects',
        item: { fields: { amountPence: int(1), dueOn: date() }, valid: { amountPence: 100_000, dueOn: '2027-03-01' } },
      }),
      conditions: optional({ kind: 'strings' }),
      note: optional(text()),
    },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/decline',
    path: () => `/applications/${fx.closedToDecline}/decline`,
    token: () => tokens.staff,
    valid: () => ({ feedback: 'The budget was not clear enough.' }),
    fields: { feedback: text() },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/rag',
    path: () => `/applications/${fx.grantForRag}/rag`,
    token: () => tokens.staff,
    valid: () => ({ rating: 'amber', reason: 'Steering group raised a concern', message: 'Please call us about the venue.' }),
    fields: { rating: oneOf(['red', 'amber', 'green']), reason: text(), message: optional(text()) },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/case-study/approve',
    path: () => `/applications/${fx.caseStudyToApprove}/case-study/approve`,
    token: () => tokens.staff,
    fields: {},
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/case-study/withdraw-consent',
    path: () => `/applications/${fx.caseStudyToWithdraw}/case-study/withdraw-consent`,
    token: () => tokens.applicant,
    fields: {},
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/project-dates',
    path: () => `/applications/${fx.grantForRag}/project-dates`,
    token: () => tokens.staff,
    valid: () => ({ projectStart: '2024-10-01', projectEnd: '2027-09-30', reason: 'The hall opens a month late' }),
    fields: { projectStart: date(), projectEnd: date(), reason: text() },
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/accept',
    path: () => `/applications/${fx.grantForRag}/accept`,
    token: () => tokens.applicant,
    fields: {},
    okStatus: 200,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/check-in',
    path: () => `/applications/${fx.grantForCheckIn}/check-in`,
    token: () => tokens.applicant,
    valid: () => ({ summary: 'Volunteers recruited', supportNeeded: 'none' }),
    fields: { summary: text(), supportNeeded: text() },
    okStatus: 201,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/monitoring-returns',
    path: () => `/applications/${fx.grantForReturn}/monitoring-returns`,
    token: () => tokens.applicant,
    valid: () => ({ period: 'Quarter 1', spentPence: 5_000, beneficiaries: 20, progress: 'Weekly sessions running', onTrack: true, issues: 'None yet' }),
    fields: {
      period: text(),
      spentPence: int(0),
      beneficiaries: int(0),
      progress: text(),
      onTrack: bool(),
      issues: optional(text()),
    },
    okStatus: 201,
  },
  {
    method: 'post',
    route: 'POST /applications/{id}/case-study',
    path: () => `/applications/${fx.grantForCaseStudy}/case-study`,
    token: () => tokens.applicant,
    valid: () => ({
      title: 'A garden that grew a community',
      summary: 'Families built and now run the garden.',
      outcomes: 'Forty households took part.',
      beneficiaries: 40,
      quote: 'We finally know our neighbours.',
      lessons: 'Start earlier in the season.',
      sustainability: 'Plant sales fund next year.',
      consentToPublish: true,
    }),
    fields: {
      title: text(),
      summary: text(),
      outcomes: text(),
      beneficiaries: int(0),
      quote: optional(text()),
      lessons: text(),
      sustainability: text(),
      consentToPublish: bool(),
    },
    okStatus: 201,
  },
  {
    method: 'post',
    route: 'POST /subscriptions',
    path: () => '/subscriptions',
    token: () => undefined,
    valid: () => ({ email: 'resident@example.org', zones: ['bell-foundry'] }),
    fields: { email: email(), zones: optional({ kind: 'strings' }) },
    okStatus: 202,
    throttled: true,
  },
  {
    method: 'post',
    route: 'POST /subscriptions/confirm',
    path: () => `/subscriptions/confirm?token=${encodeURIComponent(fx.confirmToken)}`,
    token: () => undefined,
    fields: {},
    okStatus: 200,
    throttled: true,
  },
  {
    method: 'post',
    route: 'POST /subscriptions/unsubscribe',
    path: () => `/subscriptions/unsubscribe?token=${encodeURIComponent(fx.unsubscribeToken)}`,
    token: () => undefined,
    fields: {},
    okStatus: 200,
    throttled: true,
  },
  {
    method: 'post',
    route: 'POST /people/lookup',
    path: () => '/people/lookup',
    token: () => tokens.staff,
    valid: () => ({ email: 'erase-me@example.org' }),
    fields: { email: email() },
    okStatus: 200,
    writes: false,
  },
  {
    method: 'post',
    route: 'POST /people/{id}/erase',
    path: () => `/people/${fx.personToErase}/erase`,
    token: () => tokens.staff,
    valid: () => ({ reason: 'Erasure request received by email (ref 2026/114)' }),
    fields: { reason: text() },
    okStatus: 200,
  },
];

/** Writes that take no body and change nothing a body could describe; left out on purpose. */
const NOT_FUZZED = ['POST /audit/replay', 'POST /operations/jobs/{id}/retry'];

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------
const nonStringScalar = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
const someObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
const someArray = fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 });
const notAnInteger = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.integer().map(String),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  someObject,
  someArray,
);

/** A value of the wrong type (or an invalid one of the right type) for a field: always refused. */
function wrongValue(field: Field, nullIsAbsent: boolean): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (!(field.optional && nullIsAbsent)) options.push(fc.constant(null));
  switch (field.kind) {
    case 'text':
      options.push(nonStringScalar, someObject, someArray);
      if (field.bad) options.push(field.bad);
      break;
    case 'int':
      options.push(notAnInteger, fc.integer({ min: -1_000_000_000, max: (field.min ?? 0) - 1 }));
      break;
    case 'bool':
      options.push(fc.constantFrom('true', 'false', 'yes'), fc.integer(), fc.string({ maxLength: 6 }), someObject, someArray);
      break;
    case 'strings':
      options.push(
        fc.string({ maxLength: 12 }),
        nonStringScalar,
        someObject,
        fc.array(fc.oneof(nonStringScalar, fc.constant(null), someObject), { minLength: 1, maxLength: 3 }),
      );
      break;
    case 'objects': {
      const item = field.item!;
      const itemWithWrongField = fc
        .constantFrom(...Object.keys(item.fields))
        .chain((name) => wrongValue(item.fields[name], true).map((v) => [{ ...item.valid, [name]: v }]));
      options.push(
        fc.string({ maxLength: 12 }),
        nonStringScalar,
        someObject,
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), nonStringScalar, fc.constant(null), someArray), { minLength: 1, maxLength: 3 }),
        // Arrays of arrays, even of valid items: [[]], [[{...}]].
        fc.array(fc.array(fc.constant(item.valid), { maxLength: 2 }), { minLength: 1, maxLength: 2 }),
        itemWithWrongField,
      );
      break;
    }
    case 'stringRecord':
      options.push(
        fc.string({ maxLength: 12 }),
        nonStringScalar,
        someArray,
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(nonStringScalar, fc.constant(null), someObject, someArray), { minKeys: 1, maxKeys: 3 }),
      );
      break;
    case 'scores':
      options.push(
        fc.string({ maxLength: 12 }),
        nonStringScalar,
        someArray,
        fc
          .tuple(
            fc.constantFrom(...Object.keys(SCORES)),
            fc.oneof(fc.integer({ min: 6 }), fc.integer({ max: -1 }), notAnInteger, fc.constant(null)),
          )
          .map(([k, v]) => ({ ...SCORES, [k]: v })),
      );
      break;
  }
  return fc.oneof(...options);
}

/** Longer than any field allows (the longest is 5,000 characters), up to well past the body limit. */
const hugeString = fc
  .tuple(fc.oneof(fc.integer({ min: 5_001, max: 60_000 }), fc.integer({ min: 60_000, max: 100_000 })), fc.constantFrom('x', 'é', '€', '😀', 'ab ', '\u202e'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / [...unit].length))); // MaxLength counts code points, not UTF-16 units

/** Odd but legitimate text: direction overrides, zero-width characters, BOM, combining marks, emoji, other scripts. */
const ODD_BUT_FINE = ['\u202e', '\u202d', '\u2066', '\u2067', '\u2069', '\u200b', '\u200c', '\u200d', '\ufeff', '\u2028', 'e\u0301', '👩‍👩‍👧', '🏳️‍🌈', '𝔘𝔫𝔦', 'עברית', 'اردو', '\u00a0', '\ufffd'];
/** Text no person types and no downstream format (XML, email, CSV) can carry: C0 controls and unpaired surrogates. */
const UNREPRESENTABLE = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\ud800', '\udbff', '\udc00', '\udfff'];

/** Independent of the server's check: does this string hold a C0 control (not tab/LF/CR), DEL or an unpaired surrogate? */
function hasUnrepresentable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

const oddPieces = fc.array(
  fc.oneof(fc.constantFrom(...ODD_BUT_FINE), fc.constantFrom(...UNREPRESENTABLE), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ maxLength: 4 })),
  { minLength: 1, maxLength: 12 },
);
/** Odd unicode that always includes something unrepresentable, anywhere in the string. */
const hostileUnicode = oddPieces.map((p) => p.join('')).filter(hasUnrepresentable);
/** Odd unicode without anything unrepresentable: must be accepted and kept exactly. */
const oddButFine = fc
  .array(fc.oneof(fc.constantFrom(...ODD_BUT_FINE), fc.string({ unit: 'grapheme', maxLength: 4 })), { minLength: 1, maxLength: 10 })
  .map((p) => p.join(''))
  .filter((s) => !hasUnrepresentable(s));

/** Keys every object inherits, and the ones a merge or a class-transformer would treat specially. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__', 'propertyIsEnumerable', 'toLocaleString'];
const polluting = fc.constantFrom<unknown>(
  new Entries([['polluted', 'yes']]),
  new Entries([['__proto__', new Entries([['polluted', 'yes']])]]),
  new Entries([['prototype', new Entries([['polluted', 'yes']])]]),
  [new Entries([['__proto__', new Entries([['polluted', 'yes']])]])],
);

/** Nested arrays, objects or both, from just past the legitimate depth to far past the body limit. */
const deeplyNested = fc
  .tuple(
    fc.oneof(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 64, max: 3_000 }), fc.integer({ min: 3_000, max: 40_000 })),
    fc.constantFrom<[string, string, string]>(['[', '', ']'], ['{"a":', '1', '}'], ['{"a":[', '1', ']}'], ['[{"__proto__":', '{}', '}]']),
  )
  .map(([depth, [open, inner, close]]) => new Raw(`${open.repeat(depth)}${inner}${close.repeat(depth)}`));

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------
interface Sent {
  body?: string | Buffer;
  contentType?: string;
  contentEncoding?: string;
}

/** A new client address (TEST-NET-2 and up) per request, believed through TRUST_PROXY=loopback. */
let clients = 0;
const nextClient = () => `198.${51 + ((clients >> 16) & 127)}.${(clients >> 8) & 255}.${clients++ & 255}`;

function send(route: WriteRoute, sent: Sent) {
  let req = request(t.http)[route.method](route.path());
  if (route.throttled) req = req.set('X-Forwarded-For', nextClient());
  const token = route.token();
  if (token) req = req.set(bearer(token));
  if (sent.body !== undefined) {
    req = req.set('Content-Type', sent.contentType ?? 'application/json');
    if (sent.contentEncoding) req = req.set('Content-Encoding', sent.contentEncoding);
    // superagent would JSON-encode a Buffer ({"type":"Buffer",...}) under a JSON content type: send the bytes.
    if (Buffer.isBuffer(sent.body)) req = req.serialize((bytes: Buffer) => bytes as unknown as string);
    req = req.send(sent.body);
  }
  return req;
}

const piiKeys = () => db.prepare('SELECT count(*) FROM pii_keys').pluck().get() as number;
const STACK_TRACE = /\n\s+at |\bat \S+ \(|node_modules|\.[jt]s:\d+/;

/** The status the body-size limit calls for: 413 over it, else the validation's 400. */
const bySize = (bytes: number) => (bytes > BODY_LIMIT_BYTES ? 413 : 400);

/**
 * Sends a hostile body and checks the answer: one of the allowed statuses, Nest's error shape,
 * messages that are plain strings (naming one of `names` when given, on a 400) and no stack trace,
 * and nothing written.
 */
async function expectRefused(route: WriteRoute, sent: Sent, allowed: readonly number[], names?: readonly string[]): Promise<void> {
  const head = await store.headPosition();
  const keys = piiKeys();
  const res = await send(route, sent);
  const preview = typeof sent.body === 'string' ? sent.body.slice(0, 200) : `<${sent.body?.length ?? 0} bytes>`;
  const seen = `${route.route} with ${preview} (${Buffer.byteLength(sent.body ?? '')} bytes, ${sent.contentType ?? 'application/json'}) -> ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
  if (!allowed.includes(res.status)) throw new Error(`expected ${allowed.join(' or ')}: ${seen}`);
  const body = res.body as { statusCode?: unknown; error?: unknown; message?: unknown };
  if (body.statusCode !== res.status || typeof body.error !== 'string' || body.error.length === 0) {
    throw new Error(`not Nest's { statusCode, error, message } shape: ${seen}`);
  }
  const messages = typeof body.message === 'string' ? [body.message] : body.message;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => typeof m === 'string')) {
    throw new Error(`message is not a string or an array of strings: ${seen}`);
  }
  if (messages.some((m: string) => STACK_TRACE.test(m))) throw new Error(`a message looks like a stack trace: ${seen}`);
  if (res.status === 400 && names && !names.some((n) => messages.some((m: string) => m.includes(n)))) {
    throw new Error(`no message names ${names.join(' or ')}: ${seen}`);
  }
  const headAfter = await store.headPosition();
  if (headAfter !== head) throw new Error(`the event log moved from ${head} to ${headAfter}: ${seen}`);
  if (!route.sealsBeforeDeciding && piiKeys() !== keys) throw new Error(`a personal-data key was created: ${seen}`);
}

/** A JSON body that the route might accept (an object of its own fields only): never generated. */
function mightBeValid(route: WriteRoute, text: string): boolean {
  let parsed: unknown;
  try {
    // An empty body is read as {} (no fields).
    parsed = text === '' ? {} : JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return false;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).every((k) => k in route.fields);
}

/** The route's valid body with one field replaced (or, for a route that takes no body, one field added). */
function withField(route: WriteRoute, name: string, value: unknown): string {
  const valid = route.valid?.() ?? {};
  return toJson(new Entries([...Object.entries(valid).filter(([k]) => k !== name), [name, value]]));
}

const fieldNames = (route: WriteRoute) => (route.valid ? Object.keys(route.fields) : ['unexpected']);

/** Each property gets its own seed, so any one of them can be replayed alone. */
let propertyIndex = 0;
async function check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, runs = RUNS): Promise<void> {
  const seed = SEED + 7_919 * propertyIndex++;
  await fc.assert(fc.asyncProperty(arb, predicate), { seed, numRuns: runs, endOnFailure: process.env.FC_NO_SHRINK === '1' });
}

// ---------------------------------------------------------------------------------------------

async function draftOf(roundId: string): Promise<string> {
  const res = await request(t.http).post(`/rounds/${roundId}/applications`).set(bearer(tokens.applicant)).send(applicationBody).expect(201);
  return res.body.id;
}

describe('Hostile input: every write body is refused with 400/413/415, never a 5xx, and writes nothing', () => {
  beforeAll(async () => {
    prototypeKeysBefore = {
      Object: Object.getOwnPropertyNames(Object.prototype).sort(),
      Array: Object.getOwnPropertyNames(Array.prototype).sort(),
      Function: Object.getOwnPropertyNames(Function.prototype).sort(),
    };
    // Rate limits key on the client address; loopback's X-Forwarded-For gives each request its own.
    // Hundreds of generated bodies from one caller: the write rate limit is another test's subject.
    t = await startTestApp({ TRUST_PROXY: 'loopback', WRITE_RATE_LIMIT: '0' });
    store = t.app.get<EventStore>(EVENT_STORE);
    db = new Database(t.config.sqlitePath, { readonly: true });
    tokens = {
      staff: t.token({ role: 'staff', sub: 'staff-hostile' }),
      // The same organisation and user as openAndSubmit's, so its applications are this caller's.
      applicant: t.token({ role: 'applicant', sub: `user-${ORG}`, org: ORG, email: `${ORG}@example.org` }),
      panel: t.token({ role: 'panel', sub: PANEL }),
    };

    // A round that closes shortly: decided (award, decline) and monitored (awarded) once it has closed.
    const closing = await scheduleRound(t, { closesInMs: 4_000, panel: [PANEL] });
    const closedToAward = await openAndSubmit(t, closing.id, ORG);
    const closedToDecline = await openAndSubmit(t, closing.id, ORG);
    const grants: string[] = [];
    for (let i = 0; i < 6; i++) grants.push(await openAndSubmit(t, closing.id, ORG, { requestedPence: 10_000 }));

    const open = await scheduleRound(t, { panel: [PANEL] });
    const future = { opensInMs: 60 * DAY, closesInMs: 90 * DAY };
    const subscribed = await subscribeConfirmed(t, 'leaving@example.org');
    await subscribeConfirmed(t, 'erase-me@example.org');
    const waiting = await requestSubscription(t, 'not-yet-confirmed@example.org');
    const person = await request(t.http).post('/people/lookup').set(bearer(tokens.staff)).send({ email: 'erase-me@example.org' }).expect(200);
    fx = {
      roundToReschedule: await scheduleRound(t, future),
      roundToCancel: (await scheduleRound(t, future)).id,
      roundForPanel: (await scheduleRound(t, future)).id,
      openRound: open.id,
      draftToEdit: await draftOf(open.id),
      draftToSubmit: await draftOf(open.id),
      submittedToWithdraw: await openAndSubmit(t, open.id, ORG),
      submittedForConflict: await openAndSubmit(t, open.id, ORG),
      submittedToScore: await openAndSubmit(t, open.id, ORG),
      closedToAward,
      closedToDecline,
      grantForCheckIn: grants[0],
      grantForReturn: grants[1],
      grantForCaseStudy: grants[2],
      grantForRag: grants[3],
      caseStudyToApprove: grants[4],
      caseStudyToWithdraw: grants[5],
      confirmToken: waiting.confirmToken,
      unsubscribeToken: subscribed.unsubscribeToken,
      personToErase: person.body.personId,
    };
    await waitUntilPast(closing.closesAt);
    for (const id of grants) {
      await request(t.http).post(`/applications/${id}/award`).set(bearer(tokens.staff)).send({ amountPence: 10_000 }).expect(200);
    }
    for (const id of [fx.caseStudyToApprove, fx.caseStudyToWithdraw]) {
      await request(t.http)
        .post(`/applications/${id}/case-study`)
        .set(bearer(tokens.applicant))
        .send({ title: 'Growing together', summary: 'A garden.', outcomes: 'Forty households.', beneficiaries: 40, lessons: 'Start early.', sustainability: 'Plant sales.', consentToPublish: true })
        .expect(201);
    }
    // The confirmation emails are recorded as events: let them land before the log is watched.
    await backgroundWorkDone(t);
  }, 60_000);

  afterAll(async () => {
    db?.close();
    await t?.close();
  });

  it('fuzzes every write route the server routes, except the body-less ones left out on purpose', () => {
    const writes = t.routes
      .filter((route) => /^(POST|PUT|PATCH) /.test(route))
      .map((route) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
    expect(writes.length).toBeGreaterThan(0);
    const fuzzed = ROUTES.map((r) => r.route);
    expect({ notFuzzed: [...new Set(writes)].filter((r) => !fuzzed.includes(r) && !NOT_FUZZED.includes(r)).sort() }).toEqual({ notFuzzed: [] });
    expect({ notRouted: fuzzed.filter((r) => !writes.includes(r)) }).toEqual({ notRouted: [] });
  });

  describe.each(ROUTES.map((route) => ({ name: route.route, route })))('$name', ({ route }) => {
    it('any JSON value, any text, any bytes as the body -> 400', async () => {
      const bodies = fc
        .oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
          fc.string({ unit: 'binary', maxLength: 64 }),
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        )
        .filter((b) => !mightBeValid(route, b.toString()));
      await check(bodies, (body) => expectRefused(route, { body }, [bySize(Buffer.byteLength(body))]));
    });

    if (route.valid) {
      it('each field in turn of the wrong type (or the right type but invalid) -> 400 naming it', async () => {
        // Field by field, so that a route with many fields gives each of them its share of runs.
        for (const [name, field] of Object.entries(route.fields)) {
          await check(wrongValue(field, !route.patch), (value) => expectRefused(route, { body: withField(route, name, value) }, [400], [name]), Math.ceil(RUNS / 2));
        }
      });
    }

    it('one field a huge string (5,001 characters to ~100 KB) -> 400 naming it, or 413 over the limit', async () => {
      const mutated = fc.tuple(fc.constantFrom(...fieldNames(route)), hugeString);
      await check(mutated, async ([name, value]) => {
        const body = withField(route, name, value);
        await expectRefused(route, { body }, [bySize(Buffer.byteLength(body))], [name]);
      });
    });

    it('one field odd unicode with a control character or an unpaired surrogate -> 400 naming it', async () => {
      const mutated = fc.tuple(fc.constantFrom(...fieldNames(route)), hostileUnicode);
      await check(mutated, ([name, value]) => expectRefused(route, { body: withField(route, name, value) }, [400], [name]));
    });

    it('extra keys, __proto__ / constructor / prototype among them, at the top or nested -> 400', async () => {
      const valid = route.valid?.() ?? {};
      // Where a key can be slipped in: the body itself, or any object inside it.
      const containers = [
        '',
        ...Object.entries(valid).flatMap(([k, v]) =>
          Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' ? [`${k}.0`] : v !== null && typeof v === 'object' && !Array.isArray(v) ? [k] : [],
        ),
      ];
      const containerOf = (where: string): Record<string, unknown> => {
        if (where === '') return valid;
        const [field, index] = where.split('.');
        return (index === undefined ? valid[field] : (valid[field] as unknown[])[0]) as Record<string, unknown>;
      };
      // Any key the container does not know will do, except inside free-form answers, where only the prototype's are unknown.
      const keyFor = (where: string) => {
        const known = [...Object.keys(route.fields), ...Object.keys(containerOf(where)), ...Object.keys(SCORES)];
        return route.fields[where]?.kind === 'stringRecord'
          ? fc.constantFrom(...PROTOTYPE_KEYS)
          : fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k)));
      };
      const extra = fc.constantFrom(...containers).chain((where) =>
        fc.tuple(
          fc.constant(where),
          fc.uniqueArray(fc.tuple(keyFor(where), fc.oneof(polluting, fc.jsonValue({ maxDepth: 2 }))), {
            minLength: 1,
            maxLength: 3,
            selector: ([k]) => k,
          }),
          fc.boolean(),
        ),
      );
      await check(extra, async ([where, pairs, first]) => {
        const addTo = (obj: Record<string, unknown>): Entries => {
          const own = Object.entries(obj);
          return new Entries(first ? [...pairs, ...own] : [...own, ...pairs]);
        };
        let body: Entries;
        if (where === '') body = addTo(valid);
        else {
          const [field, index] = where.split('.');
          const value = valid[field];
          const nested = index === undefined ? addTo(value as Record<string, unknown>) : [addTo((value as Record<string, unknown>[])[0]), ...(value as unknown[]).slice(1)];
          body = new Entries(Object.entries(valid).map(([k, v]) => [k, k === field ? nested : v]));
        }
        // Named: the key itself, or the field it was slipped into.
        await expectRefused(route, { body: toJson(body) }, [400], [...pairs.map(([k]) => k), ...(where ? [where.split('.')[0]] : [])]);
      });
    });

    it('one field nested 2 to 40,000 levels deep -> 400 naming it, or 413 over the limit', async () => {
      const mutated = fc.tuple(fc.constantFrom(...fieldNames(route)), deeplyNested);
      await check(mutated, async ([name, value]) => {
        const body = withField(route, name, value);
        await expectRefused(route, { body }, [bySize(Buffer.byteLength(body))], [name]);
      });
    });

    it('bodies around and over the 64 KB limit, plain or compressed -> 413 over it, 400 under it', async () => {
      const sized = fc.tuple(
        fc.oneof(fc.integer({ min: BODY_LIMIT_BYTES - 64, max: BODY_LIMIT_BYTES + 64 }), fc.integer({ min: BODY_LIMIT_BYTES, max: 300_000 })),
        fc.constantFrom('identity', 'gzip', 'deflate'),
      );
      await check(sized, async ([bytes, encoding]) => {
        // An unknown "padding" field sized so that the whole JSON text is `bytes` long.
        const rest = toJson(route.valid?.() ?? {}).slice(1);
        const head = '{"padding":"';
        const tail = rest === '}' ? '"}' : `",${rest}`;
        const text = head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
        const size = Buffer.byteLength(text);
        const body = encoding === 'gzip' ? gzipSync(text) : encoding === 'deflate' ? deflateSync(text) : text;
        // The limit applies to the inflated body; the unknown field is named under it.
        await expectRefused(route, { body, contentEncoding: encoding === 'identity' ? undefined : encoding }, [bySize(size)], ['padding']);
      });
    });

    if (route.valid) {
      it('a valid body under another content type (or charset) -> 415 (or 400)', async () => {
        // Every one of them, not a sample: the list is short.
        for (const contentType of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/merge-patch+json',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
        ]) {
          await expectRefused(route, { body: toJson(route.valid!()), contentType }, [400, 415]);
        }
      });
    }

    it('control: the valid body is accepted and written (so the refusals above came from the fuzzing)', async () => {
      const head = await store.headPosition();
      const res = await send(route, route.valid ? { body: toJson(route.valid()) } : {});
      expect({ status: res.status, body: res.body }).toEqual({ status: route.okStatus, body: expect.anything() });
      if (route.writes === false) expect(await store.headPosition()).toBe(head);
      else expect(await store.headPosition()).toBeGreaterThan(head);
      // What the write set off in the background (a confirmation email, recorded as an event)
      // lands now, not in the middle of the next route's fuzzing.
      await backgroundWorkDone(t);
    });
  });

  it('PATCH: a null clears nothing; every field given as null is refused', async () => {
    const route = ROUTES.find((r) => r.route === 'PATCH /applications/{id}')!;
    const draft = await draftOf(fx.openRound);
    for (const name of Object.keys(applicationFields)) {
      await expectRefused({ ...route, path: () => `/applications/${draft}` }, { body: toJson({ [name]: null }) }, [400], [name]);
    }
    // ...and the draft can still be submitted, which a null title once made a 500.
    await request(t.http).post(`/applications/${draft}/submit`).set(bearer(tokens.applicant)).expect(200);
  });

  it('odd but legitimate text (direction marks, zero-width, emoji, other scripts) is accepted and kept exactly', async () => {
    const draft = await draftOf(fx.openRound);
    await check(
      fc.tuple(oddButFine, oddButFine),
      async ([a, b]) => {
        const title = `Garden ${a} end`.replace(/[\r\n]/g, ' ');
        const summary = `Summary ${b} end`;
        const res = await request(t.http).patch(`/applications/${draft}`).set(bearer(tokens.applicant)).send({ title, summary });
        expect({ status: res.status, message: res.body.message }).toEqual({ status: 200, message: undefined });
        const read = await request(t.http).get(`/applications/${draft}`).set(bearer(tokens.applicant)).expect(200);
        expect({ title: read.body.title, summary: read.body.summary }).toEqual({ title, summary });
      },
      Math.ceil(RUNS / 2),
    );
  });

  it('a criterion key no scores object could carry (constructor, prototype) is refused', async () => {
    const route = ROUTES[0];
    for (const key of ['constructor', 'prototype']) {
      await expectRefused(route, { body: withField(route, 'criteria', [{ key, title: 'Odd', weight: 1 }]) }, [400], ['key']);
    }
  });

  it('left no trace on the prototypes: nothing was polluted', () => {
    expect((({}) as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect({
      Object: Object.getOwnPropertyNames(Object.prototype).sort(),
      Array: Object.getOwnPropertyNames(Array.prototype).sort(),
      Function: Object.getOwnPropertyNames(Function.prototype).sort(),
    }).toEqual(prototypeKeysBefore);
  });
});
