/**
 * What signing in keeps outside the event log: secrets (only their hashes), sessions, and the form
 * a person was filling in when their session ran out. Behind this port so the system-of-record
 * database holds them (the SQLite file today, PostgreSQL for several machines): they survive a
 * restart and do not depend on Redis. Nothing here is personal data in the clear: addresses are
 * sealed (crypto-shredding), secrets are SHA-256 hashes, saved forms are encrypted.
 */
export interface SignInLinkRecord {
  /** SHA-256 of the secret in the emailed link (hex). */
  hash: string;
  personId: string;
  /** The address, sealed (JSON of a SealedValue): the link's page names it. */
  sealedEmail: string;
  /** Where to go after signing in (a path on this service), if the person was on their way somewhere. */
  next: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type SignInLinkUse = { ok: true; link: SignInLinkRecord } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

export interface SessionRecord {
  /** SHA-256 of the session id in the cookie (hex): a copy of the table signs nobody in. */
  hash: string;
  personId: string;
  /** The organisation an applicant acts for, when they belong to several. */
  actingOrg: string | null;
  via: 'email' | 'oidc';
  /** What the browser said it was, shortened: helps a person recognise their sessions. */
  device: string;
  createdAt: string;
  lastSeenAt: string;
  /** Ends after SESSION_IDLE without a request; moved on by each request. */
  expiresAt: string;
  endedAt: string | null;
}

export interface AccessTokenRecord {
  /** The public part of the token, shown in lists. */
  id: string;
  personId: string;
  name: string;
  /** SHA-256 of the token's secret part (hex). */
  hash: string;
  /** For an applicant: the one organisation the token acts for. */
  org: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface SavedFormRecord {
  id: string;
  /** Whose form it was: only that person gets it back. Null when nobody was signed in. */
  personId: string | null;
  path: string;
  /** The fields, encrypted (base64 of IV, ciphertext and tag). */
  sealedFields: string;
  expiresAt: string;
}

export interface CredentialStore {
  putSignInLink(link: SignInLinkRecord): Promise<void>;
  /** The link, without using it: for the page its URL opens. */
  findSignInLink(hash: string): Promise<SignInLinkRecord | undefined>;
  /** Uses the link, once: a second use, or one after expiry, is refused. */
  useSignInLink(hash: string, now: string): Promise<SignInLinkUse>;
  /** How many links were made for this person since `since` (a rate limit per address). */
  countSignInLinks(personId: string, since: string): Promise<number>;

  createSession(session: SessionRecord): Promise<void>;
  /** A live session (not ended, not expired at `now`). */
  findSession(hash: string, now: string): Promise<SessionRecord | undefined>;
  touchSession(hash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  setActingOrg(hash: string, org: string | null): Promise<void>;
  endSession(hash: string, at: string): Promise<void>;
  /** Signs the person out everywhere: every live session ended. */
  endSessionsOf(personId: string, at: string): Promise<number>;
  liveSessionsOf(personId: string, now: string): Promise<SessionRecord[]>;

  putAccessToken(token: AccessTokenRecord): Promise<void>;
  findAccessToken(id: string): Promise<AccessTokenRecord | undefined>;
  accessTokensOf(personId: string): Promise<AccessTokenRecord[]>;
  /** Revokes the person's own token; false when it is not theirs (or not there). */
  revokeAccessToken(id: string, personId: string, at: string): Promise<boolean>;
  touchAccessToken(id: string, at: string): Promise<void>;

  saveForm(form: SavedFormRecord): Promise<void>;
  /** The saved form, once: taking it removes it. */
  takeForm(id: string, now: string): Promise<SavedFormRecord | undefined>;

  /** Drops what has expired (links, sessions, saved forms) before `before`. */
  purge(before: string): Promise<void>;
  close(): Promise<void>;
}

export const CREDENTIAL_STORE = Symbol('CredentialStore');
