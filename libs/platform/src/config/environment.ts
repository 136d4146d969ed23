import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Duration } from 'luxon';
import { esdbConnectionProblem } from '@pz/event-store/esdb/esdb-connection';

/**
 * The service's configuration, read once from the environment and validated as a whole:
 * every bad or missing variable is named in one error, so start-up fails fast and clearly.
 * Names and defaults are the public contract in shared/api.md.
 */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  publicUrl: string;
  eventStore: 'sqlite' | 'esdb';
  sqlitePath: string;
  esdbConnectionString: string | undefined;
  redisUrl: string;
  smtpUrl: string | undefined;
  outboxDir: string;
  mailFrom: string;
  staffAlertEmails: string[];
  /**
   * The master secret every derived key comes from (person ids, link and cookie signatures,
   * request MACs): APP_SECRET, or AUTH_JWT_SECRET where an installation predates APP_SECRET.
   */
  appSecret: string;
  /** The operators' machine JWT secret; null: no JWT is accepted (people use sessions and tokens). */
  authJwtSecret: string | null;
  /** Addresses that are staff from their first sign-in (the first staff; they invite the rest). */
  adminEmails: string[];
  /** A session ends after this long without a request (ISO 8601). */
  sessionIdle: string;
  /** OpenID Connect sign-in for staff and auditors, when all three are set. */
  oidc: { issuerUrl: string; clientId: string; clientSecret: string } | null;
  /** Writes a minute one signed-in caller may make (per process); 0: no limit. */
  writeRateLimit: number;
  /** Longest lifetime a machine JWT may have (exp − iat), ISO 8601. */
  authJwtMaxAge: string;
  /** When set, a machine JWT's iss / aud must match. */
  authJwtIssuer: string | undefined;
  authJwtAudience: string | undefined;
  /** Durations in milliseconds (ISO 8601 in the environment). */
  roundAlertLead: string;
  firstCheckinAfter: string;
  monitoringInterval: string;
  reminderLead: string;
  ragAmberAfter: string;
  ragRedAfter: string;
  /** What applicants are told: decisions within this long of a round's close (ISO 8601). */
  decisionsWithin: string;
  corsOrigins: string[];
  /** JSON file of People Zones; unset: the three seeded zones. */
  zonesFile: string | undefined;
  /** Redis key prefix for BullMQ, so installations (or test runs) can share one Redis. */
  queuePrefix: string;
  /** How often the worker re-derives due work from the read models (ISO 8601). */
  sweepInterval: string;
  /** 360Giving publisher prefix (the part after `360G-`) and the funder's org-id. */
  grants360Prefix: string;
  grants360FunderId: string;
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe (for per-client rate limits). */
  trustProxy: string | number | false;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DURATIONS = {
  ROUND_ALERT_LEAD: 'P28D',
  FIRST_CHECKIN_AFTER: 'P1M',
  MONITORING_INTERVAL: 'P3M',
  REMINDER_LEAD: 'P7D',
  RAG_AMBER_AFTER: 'P7D',
  RAG_RED_AFTER: 'P28D',
  SESSION_IDLE: 'PT2H',
  SWEEP_INTERVAL: 'PT15M',
  AUTH_JWT_MAX_AGE: 'P1D',
  DECISIONS_WITHIN: 'P6W',
} as const;

/** Where a development run keeps the JWT secret it generated, so `npm run token` can sign with it. */
export const DEV_SECRET_FILE = 'var/dev-jwt-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'production';

  const port = parsePort(env.PORT ?? '3000', problems);

  const eventStore = env.EVENT_STORE ?? 'sqlite';
  if (eventStore !== 'sqlite' && eventStore !== 'esdb') {
    problems.push(`EVENT_STORE must be "sqlite" or "esdb" (got "${eventStore}")`);
  }
  const esdb = nonEmpty(env.ESDB_CONNECTION_STRING);
  if (eventStore === 'esdb') {
    if (!esdb) problems.push('ESDB_CONNECTION_STRING is required when EVENT_STORE=esdb');
    else {
      const problem = esdbConnectionProblem(esdb);
      if (problem) problems.push(problem);
    }
  }

  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${port ?? 3000}`;
  checkUrl('PUBLIC_URL', publicUrl, ['http:', 'https:'], problems);
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  checkUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:'], problems);
  const smtpUrl = nonEmpty(env.SMTP_URL);
  if (smtpUrl) checkUrl('SMTP_URL', smtpUrl, ['smtp:', 'smtps:'], problems);

  const staffAlertEmails = list(env.STAFF_ALERT_EMAILS);
  for (const email of staffAlertEmails) {
    if (!EMAIL.test(email)) problems.push(`STAFF_ALERT_EMAILS has an invalid address: "${email}"`);
  }

  const durations = {} as Record<keyof typeof DURATIONS, string>;
  for (const [name, fallback] of Object.entries(DURATIONS) as [keyof typeof DURATIONS, string][]) {
    const value = env[name] ?? fallback;
    const parsed = Duration.fromISO(value);
    if (!parsed.isValid || parsed.toMillis() <= 0) {
      problems.push(`${name} must be a positive ISO 8601 duration such as P28D or PT5S (got "${value}")`);
    }
    durations[name] = value;
  }

  const developing = nodeEnv === 'development' || nodeEnv === 'test';
  let authJwtSecret: string | null = nonEmpty(env.AUTH_JWT_SECRET) ?? null;
  if (authJwtSecret !== null && authJwtSecret.length < 32) problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  // Development signs its own machine tokens (npm run token) with a random secret kept in var/.
  if (authJwtSecret === null && developing) authJwtSecret = developmentSecret();
  const appSecret = nonEmpty(env.APP_SECRET) ?? authJwtSecret;
  if (appSecret === null) problems.push('APP_SECRET is required (at least 32 characters; only NODE_ENV=development may run without one)');
  else if (nonEmpty(env.APP_SECRET) && appSecret.length < 32) problems.push('APP_SECRET must be at least 32 characters');

  const adminEmails = list(env.ADMIN_EMAILS);
  for (const email of adminEmails) {
    if (!EMAIL.test(email)) problems.push(`ADMIN_EMAILS has an invalid address: "${email}"`);
  }

  const oidcParts = { OIDC_ISSUER_URL: nonEmpty(env.OIDC_ISSUER_URL), OIDC_CLIENT_ID: nonEmpty(env.OIDC_CLIENT_ID), OIDC_CLIENT_SECRET: nonEmpty(env.OIDC_CLIENT_SECRET) };
  const oidcSet = Object.values(oidcParts).filter(Boolean).length;
  if (oidcSet > 0 && oidcSet < 3) {
    problems.push(`OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed together (missing: ${Object.entries(oidcParts).filter(([, v]) => !v).map(([k]) => k).join(', ')})`);
  }
  if (oidcParts.OIDC_ISSUER_URL) checkUrl('OIDC_ISSUER_URL', oidcParts.OIDC_ISSUER_URL, ['https:', 'http:'], problems);

  const queuePrefix = env.QUEUE_PREFIX ?? 'pz';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(queuePrefix)) problems.push('QUEUE_PREFIX must be 1 to 40 letters, digits, _ or -');

  const writeRateLimitText = env.WRITE_RATE_LIMIT ?? '300';
  const writeRateLimit = Number(writeRateLimitText);
  if (!/^\d+$/.test(writeRateLimitText)) problems.push(`WRITE_RATE_LIMIT must be a whole number of writes a minute, 0 for none (got "${writeRateLimitText}")`);

  const trustProxyText = nonEmpty(env.TRUST_PROXY);
  const trustProxy: string | number | false =
    trustProxyText === undefined ? false : /^\d+$/.test(trustProxyText) ? Number(trustProxyText) : trustProxyText;
  if (typeof trustProxy === 'string' && !/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/, ]+)$/.test(trustProxy)) {
    problems.push('TRUST_PROXY must be a hop count, "loopback", "uniquelocal", or addresses/CIDRs separated by commas');
  }
  const grants360Prefix = nonEmpty(env.GRANTS_360_PREFIX) ?? 'opcc-llr';
  if (/^360G-/i.test(grants360Prefix)) problems.push(`GRANTS_360_PREFIX is the part after "360G-" (e.g. opcc-llr), got "${grants360Prefix}"`);
  else if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/.test(grants360Prefix)) problems.push('GRANTS_360_PREFIX must be 1-60 letters, digits, "_" or "-"');
  const grants360FunderId = nonEmpty(env.GRANTS_360_FUNDER_ID) ?? 'GB-GOR-PC000135';
  if (!/^(?:[A-Z]{2}-[A-Z0-9]+-[^\s/\\]+|360G-[^\s/\\]+)$/.test(grants360FunderId)) {
    problems.push('GRANTS_360_FUNDER_ID must be an org-id.guide identifier such as GB-CHC-1234567, or 360G-...');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv,
    port: port!,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    eventStore: eventStore as 'sqlite' | 'esdb',
    sqlitePath: env.SQLITE_PATH ?? 'var/grants.sqlite',
    esdbConnectionString: esdb,
    redisUrl,
    smtpUrl,
    outboxDir: env.OUTBOX_DIR ?? 'var/outbox',
    mailFrom: env.MAIL_FROM ?? 'People Zones Grants <grants@localhost>',
    staffAlertEmails,
    appSecret: appSecret!,
    authJwtSecret,
    adminEmails,
    sessionIdle: durations.SESSION_IDLE,
    oidc: oidcSet === 3 ? { issuerUrl: oidcParts.OIDC_ISSUER_URL!, clientId: oidcParts.OIDC_CLIENT_ID!, clientSecret: oidcParts.OIDC_CLIENT_SECRET! } : null,
    writeRateLimit,
    authJwtMaxAge: durations.AUTH_JWT_MAX_AGE,
    authJwtIssuer: nonEmpty(env.AUTH_JWT_ISSUER),
    authJwtAudience: nonEmpty(env.AUTH_JWT_AUDIENCE),
    roundAlertLead: durations.ROUND_ALERT_LEAD,
    firstCheckinAfter: durations.FIRST_CHECKIN_AFTER,
    monitoringInterval: durations.MONITORING_INTERVAL,
    reminderLead: durations.REMINDER_LEAD,
    ragAmberAfter: durations.RAG_AMBER_AFTER,
    ragRedAfter: durations.RAG_RED_AFTER,
    decisionsWithin: durations.DECISIONS_WITHIN,
    corsOrigins: list(env.CORS_ORIGINS),
    zonesFile: nonEmpty(env.ZONES_FILE),
    queuePrefix,
    sweepInterval: durations.SWEEP_INTERVAL,
    grants360Prefix,
    grants360FunderId,
    trustProxy,
  };
}

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function parsePort(value: string, problems: string[]): number | undefined {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${value}")`);
    return undefined;
  }
  return port;
}

function checkUrl(name: string, value: string, protocols: string[], problems: string[]): void {
  try {
    const url = new URL(value);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name} must use ${protocols.join(' or ')} (got "${url.protocol}")`);
    }
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
}

/**
 * Development without AUTH_JWT_SECRET: a random secret kept in var/ (never in the repo),
 * so no well-known key can ever sign a token.
 */
function developmentSecret(): string {
  if (existsSync(DEV_SECRET_FILE)) return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
  mkdirSync(dirname(DEV_SECRET_FILE), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(DEV_SECRET_FILE, secret, { mode: 0o600 });
  return secret;
}

export const APP_CONFIG = Symbol('AppConfig');
