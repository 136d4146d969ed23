import type { Pool } from 'pg';
import { migratePg, PgMigration } from '@pz/event-store/postgres/pg-migrations';
import type { AccessTokenRecord, CredentialStore, SavedFormRecord, SessionRecord, SignInLinkRecord, SignInLinkUse } from '../credential-store';
import { linkOf, LinkRow, sessionOf, SessionRow, tokenOf, TokenRow } from '../credential-rows';

export const CREDENTIAL_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'sign-in links, sessions, access tokens, saved forms',
    // Times are ISO text as in SQLite; comparisons use the "C" collation, where byte order is time order.
    sql: `
      CREATE TABLE sign_in_links (
        hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, sealed_email TEXT NOT NULL, next TEXT,
        created_at TEXT COLLATE "C" NOT NULL, expires_at TEXT COLLATE "C" NOT NULL, used_at TEXT COLLATE "C");
      CREATE INDEX sign_in_links_by_person ON sign_in_links (person_id, created_at);
      CREATE TABLE sessions (
        hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, acting_org TEXT, via TEXT NOT NULL, device TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL, last_seen_at TEXT COLLATE "C" NOT NULL, expires_at TEXT COLLATE "C" NOT NULL,
        ended_at TEXT COLLATE "C");
      CREATE INDEX sessions_by_person ON sessions (person_id);
      CREATE TABLE access_tokens (
        id TEXT COLLATE "C" PRIMARY KEY, person_id TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL, org TEXT,
        created_at TEXT COLLATE "C" NOT NULL, expires_at TEXT COLLATE "C" NOT NULL, revoked_at TEXT COLLATE "C",
        last_used_at TEXT COLLATE "C");
      CREATE INDEX access_tokens_by_person ON access_tokens (person_id);
      CREATE TABLE saved_forms (
        id TEXT PRIMARY KEY, person_id TEXT, path TEXT NOT NULL, sealed_fields TEXT NOT NULL, expires_at TEXT COLLATE "C" NOT NULL);`,
  },
];

/**
 * Credentials in PostgreSQL, so a session made through one API machine is honoured by every
 * other. Each operation is one statement: where SQLite needs a write transaction to make "use a
 * link once" atomic, a conditional UPDATE ... RETURNING does it here, row lock included.
 */
export class PgCredentialStore implements CredentialStore {
  static async open(pool: Pool): Promise<PgCredentialStore> {
    await migratePg(pool, 'credentials', CREDENTIAL_MIGRATIONS);
    return new PgCredentialStore(pool);
  }

  private constructor(private readonly pool: Pool) {}

  private async rows<R>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query(text, values)).rows as R[];
  }

  private async changed(text: string, values: unknown[]): Promise<number> {
    return (await this.pool.query(text, values)).rowCount ?? 0;
  }

  async putSignInLink(l: SignInLinkRecord): Promise<void> {
    await this.changed(
      'INSERT INTO sign_in_links (hash, person_id, sealed_email, next, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [l.hash, l.personId, l.sealedEmail, l.next, l.createdAt, l.expiresAt, l.usedAt],
    );
  }

  async findSignInLink(hash: string): Promise<SignInLinkRecord | undefined> {
    const [row] = await this.rows<LinkRow>('SELECT * FROM sign_in_links WHERE hash = $1', [hash]);
    return row && linkOf(row);
  }

  async useSignInLink(hash: string, now: string): Promise<SignInLinkUse> {
    // Two processes using one link at once: the second waits on the row lock, then finds it used.
    const [used] = await this.rows<LinkRow>(
      'UPDATE sign_in_links SET used_at = $2 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *',
      [hash, now],
    );
    if (used) return { ok: true, link: linkOf(used) };
    const [row] = await this.rows<LinkRow>('SELECT * FROM sign_in_links WHERE hash = $1', [hash]);
    if (!row) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: row.used_at !== null ? 'used' : 'expired' };
  }

  async countSignInLinks(personId: string, since: string): Promise<number> {
    const [row] = await this.rows<{ n: string }>('SELECT count(*) AS n FROM sign_in_links WHERE person_id = $1 AND created_at >= $2', [personId, since]);
    return Number(row.n);
  }

  async createSession(r: SessionRecord): Promise<void> {
    await this.changed(
      'INSERT INTO sessions (hash, person_id, acting_org, via, device, created_at, last_seen_at, expires_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [r.hash, r.personId, r.actingOrg, r.via, r.device, r.createdAt, r.lastSeenAt, r.expiresAt, r.endedAt],
    );
  }

  async findSession(hash: string, now: string): Promise<SessionRecord | undefined> {
    const [row] = await this.rows<SessionRow>('SELECT * FROM sessions WHERE hash = $1 AND ended_at IS NULL AND expires_at > $2', [hash, now]);
    return row && sessionOf(row);
  }

  async touchSession(hash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.changed('UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE hash = $3 AND ended_at IS NULL', [lastSeenAt, expiresAt, hash]);
  }

  async setActingOrg(hash: string, org: string | null): Promise<void> {
    await this.changed('UPDATE sessions SET acting_org = $1 WHERE hash = $2', [org, hash]);
  }

  async endSession(hash: string, at: string): Promise<void> {
    await this.changed('UPDATE sessions SET ended_at = $1 WHERE hash = $2 AND ended_at IS NULL', [at, hash]);
  }

  async endSessionsOf(personId: string, at: string): Promise<number> {
    return this.changed('UPDATE sessions SET ended_at = $1 WHERE person_id = $2 AND ended_at IS NULL', [at, personId]);
  }

  async liveSessionsOf(personId: string, now: string): Promise<SessionRecord[]> {
    const rows = await this.rows<SessionRow>(
      'SELECT * FROM sessions WHERE person_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC',
      [personId, now],
    );
    return rows.map(sessionOf);
  }

  async putAccessToken(t: AccessTokenRecord): Promise<void> {
    await this.changed(
      'INSERT INTO access_tokens (id, person_id, name, hash, org, created_at, expires_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [t.id, t.personId, t.name, t.hash, t.org, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt],
    );
  }

  async findAccessToken(id: string): Promise<AccessTokenRecord | undefined> {
    const [row] = await this.rows<TokenRow>('SELECT * FROM access_tokens WHERE id = $1', [id]);
    return row && tokenOf(row);
  }

  async accessTokensOf(personId: string): Promise<AccessTokenRecord[]> {
    return (await this.rows<TokenRow>('SELECT * FROM access_tokens WHERE person_id = $1 ORDER BY created_at DESC, id', [personId])).map(tokenOf);
  }

  async revokeAccessToken(id: string, personId: string, at: string): Promise<boolean> {
    if ((await this.changed('UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL', [at, id, personId])) > 0) return true;
    const [row] = await this.rows<TokenRow>('SELECT * FROM access_tokens WHERE id = $1', [id]);
    return row !== undefined && row.person_id === personId;
  }

  async touchAccessToken(id: string, at: string): Promise<void> {
    await this.changed('UPDATE access_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async saveForm(f: SavedFormRecord): Promise<void> {
    await this.changed(
      `INSERT INTO saved_forms (id, person_id, path, sealed_fields, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, path = excluded.path,
         sealed_fields = excluded.sealed_fields, expires_at = excluded.expires_at`,
      [f.id, f.personId, f.path, f.sealedFields, f.expiresAt],
    );
  }

  async takeForm(id: string, now: string): Promise<SavedFormRecord | undefined> {
    // DELETE ... RETURNING: taken once, even by two processes at the same moment.
    const [row] = await this.rows<{ id: string; person_id: string | null; path: string; sealed_fields: string; expires_at: string }>(
      'DELETE FROM saved_forms WHERE id = $1 RETURNING *',
      [id],
    );
    if (!row || row.expires_at <= now) return undefined;
    return { id: row.id, personId: row.person_id, path: row.path, sealedFields: row.sealed_fields, expiresAt: row.expires_at };
  }

  async purge(before: string): Promise<void> {
    await this.changed('DELETE FROM sign_in_links WHERE expires_at < $1', [before]);
    await this.changed('DELETE FROM sessions WHERE expires_at < $1 OR ended_at < $1', [before]);
    await this.changed('DELETE FROM saved_forms WHERE expires_at < $1', [before]);
  }

  async close(): Promise<void> {
    // The pool belongs to the platform, which ends it.
  }
}
