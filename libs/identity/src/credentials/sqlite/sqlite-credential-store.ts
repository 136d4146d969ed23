import type Database from 'better-sqlite3';
import type { AccessTokenRecord, CredentialStore, SavedFormRecord, SessionRecord, SignInLinkRecord, SignInLinkUse } from '../credential-store';
import { linkOf, LinkRow, sessionOf, SessionRow, tokenOf, TokenRow } from '../credential-rows';

/** Credentials in the SQLite file, on the connection that commits as durably as the events. */
export class SqliteCredentialStore implements CredentialStore {
  private readonly s;
  private readonly useLink;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sign_in_links (
        hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, sealed_email TEXT NOT NULL, next TEXT,
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
      CREATE INDEX IF NOT EXISTS sign_in_links_by_person ON sign_in_links (person_id, created_at);
      CREATE TABLE IF NOT EXISTS sessions (
        hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, acting_org TEXT, via TEXT NOT NULL, device TEXT NOT NULL,
        created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT);
      CREATE INDEX IF NOT EXISTS sessions_by_person ON sessions (person_id);
      CREATE TABLE IF NOT EXISTS access_tokens (
        id TEXT PRIMARY KEY, person_id TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL, org TEXT,
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT);
      CREATE INDEX IF NOT EXISTS access_tokens_by_person ON access_tokens (person_id);
      CREATE TABLE IF NOT EXISTS saved_forms (
        id TEXT PRIMARY KEY, person_id TEXT, path TEXT NOT NULL, sealed_fields TEXT NOT NULL, expires_at TEXT NOT NULL);`);
    this.s = {
      putLink: db.prepare('INSERT INTO sign_in_links (hash, person_id, sealed_email, next, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      findLink: db.prepare('SELECT * FROM sign_in_links WHERE hash = ?'),
      markUsed: db.prepare('UPDATE sign_in_links SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?'),
      countLinks: db.prepare('SELECT COUNT(*) AS n FROM sign_in_links WHERE person_id = ? AND created_at >= ?'),
      putSession: db.prepare(
        'INSERT INTO sessions (hash, person_id, acting_org, via, device, created_at, last_seen_at, expires_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      findSession: db.prepare('SELECT * FROM sessions WHERE hash = ? AND ended_at IS NULL AND expires_at > ?'),
      touchSession: db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE hash = ? AND ended_at IS NULL'),
      setOrg: db.prepare('UPDATE sessions SET acting_org = ? WHERE hash = ?'),
      endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE hash = ? AND ended_at IS NULL'),
      endAll: db.prepare('UPDATE sessions SET ended_at = ? WHERE person_id = ? AND ended_at IS NULL'),
      liveOf: db.prepare('SELECT * FROM sessions WHERE person_id = ? AND ended_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC'),
      putToken: db.prepare(
        'INSERT INTO access_tokens (id, person_id, name, hash, org, created_at, expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      findToken: db.prepare('SELECT * FROM access_tokens WHERE id = ?'),
      tokensOf: db.prepare('SELECT * FROM access_tokens WHERE person_id = ? ORDER BY created_at DESC, id'),
      revokeToken: db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND person_id = ? AND revoked_at IS NULL'),
      touchToken: db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE id = ?'),
      saveForm: db.prepare('INSERT OR REPLACE INTO saved_forms (id, person_id, path, sealed_fields, expires_at) VALUES (?, ?, ?, ?, ?)'),
      findForm: db.prepare('SELECT * FROM saved_forms WHERE id = ?'),
      dropForm: db.prepare('DELETE FROM saved_forms WHERE id = ?'),
      purgeLinks: db.prepare('DELETE FROM sign_in_links WHERE expires_at < ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at < ? OR ended_at < ?'),
      purgeForms: db.prepare('DELETE FROM saved_forms WHERE expires_at < ?'),
    };
    this.useLink = db.transaction((hash: string, now: string): SignInLinkUse => {
      const row = this.s.findLink.get(hash) as LinkRow | undefined;
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used_at !== null) return { ok: false, reason: 'used' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      this.s.markUsed.run(now, hash, now);
      return { ok: true, link: linkOf({ ...row, used_at: now }) };
    });
  }

  async putSignInLink(l: SignInLinkRecord): Promise<void> {
    this.s.putLink.run(l.hash, l.personId, l.sealedEmail, l.next, l.createdAt, l.expiresAt, l.usedAt);
  }

  async findSignInLink(hash: string): Promise<SignInLinkRecord | undefined> {
    const row = this.s.findLink.get(hash) as LinkRow | undefined;
    return row && linkOf(row);
  }

  async useSignInLink(hash: string, now: string): Promise<SignInLinkUse> {
    // IMMEDIATE: two processes using one link at once serialise here, and only one sees it unused.
    return this.useLink.immediate(hash, now);
  }

  async countSignInLinks(personId: string, since: string): Promise<number> {
    return (this.s.countLinks.get(personId, since) as { n: number }).n;
  }

  async createSession(r: SessionRecord): Promise<void> {
    this.s.putSession.run(r.hash, r.personId, r.actingOrg, r.via, r.device, r.createdAt, r.lastSeenAt, r.expiresAt, r.endedAt);
  }

  async findSession(hash: string, now: string): Promise<SessionRecord | undefined> {
    const row = this.s.findSession.get(hash, now) as SessionRow | undefined;
    return row && sessionOf(row);
  }

  async touchSession(hash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    this.s.touchSession.run(lastSeenAt, expiresAt, hash);
  }

  async setActingOrg(hash: string, org: string | null): Promise<void> {
    this.s.setOrg.run(org, hash);
  }

  async endSession(hash: string, at: string): Promise<void> {
    this.s.endSession.run(at, hash);
  }

  async endSessionsOf(personId: string, at: string): Promise<number> {
    return this.s.endAll.run(at, personId).changes;
  }

  async liveSessionsOf(personId: string, now: string): Promise<SessionRecord[]> {
    return (this.s.liveOf.all(personId, now) as SessionRow[]).map(sessionOf);
  }

  async putAccessToken(t: AccessTokenRecord): Promise<void> {
    this.s.putToken.run(t.id, t.personId, t.name, t.hash, t.org, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt);
  }

  async findAccessToken(id: string): Promise<AccessTokenRecord | undefined> {
    const row = this.s.findToken.get(id) as TokenRow | undefined;
    return row && tokenOf(row);
  }

  async accessTokensOf(personId: string): Promise<AccessTokenRecord[]> {
    return (this.s.tokensOf.all(personId) as TokenRow[]).map(tokenOf);
  }

  async revokeAccessToken(id: string, personId: string, at: string): Promise<boolean> {
    if (this.s.revokeToken.run(at, id, personId).changes > 0) return true;
    const row = this.s.findToken.get(id) as TokenRow | undefined;
    return row !== undefined && row.person_id === personId;
  }

  async touchAccessToken(id: string, at: string): Promise<void> {
    this.s.touchToken.run(at, id);
  }

  async saveForm(f: SavedFormRecord): Promise<void> {
    this.s.saveForm.run(f.id, f.personId, f.path, f.sealedFields, f.expiresAt);
  }

  async takeForm(id: string, now: string): Promise<SavedFormRecord | undefined> {
    const row = this.s.findForm.get(id) as { id: string; person_id: string | null; path: string; sealed_fields: string; expires_at: string } | undefined;
    if (!row) return undefined;
    this.s.dropForm.run(id);
    if (row.expires_at <= now) return undefined;
    return { id: row.id, personId: row.person_id, path: row.path, sealedFields: row.sealed_fields, expiresAt: row.expires_at };
  }

  async purge(before: string): Promise<void> {
    this.s.purgeLinks.run(before);
    this.s.purgeSessions.run(before, before);
    this.s.purgeForms.run(before);
  }

  async close(): Promise<void> {
    // The connection belongs to the platform's SQLite connections, which close it.
  }
}
