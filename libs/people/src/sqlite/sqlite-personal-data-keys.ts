import type Database from 'better-sqlite3';
import type { PersonalDataKeys, PersonKey } from '../personal-data-keys';

export const PII_KEYS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS pii_keys (
    person_id  TEXT PRIMARY KEY,
    key        BLOB,
    created_at TEXT NOT NULL,
    erased_at  TEXT
  );
`;

interface KeyRow {
  key: Buffer | null;
  created_at: string;
  erased_at: string | null;
}

/**
 * Keys in the SQLite file. The connection it is given must commit with synchronous=FULL, as the
 * event store does: a key acknowledged to the vault must outlive a power cut.
 */
export class SqlitePersonalDataKeys implements PersonalDataKeys {
  private readonly stmts;
  private readonly eraseInTransaction;

  constructor(db: Database.Database) {
    db.exec(PII_KEYS_SCHEMA);
    this.stmts = {
      get: db.prepare('SELECT key, created_at, erased_at FROM pii_keys WHERE person_id = ?'),
      // DO NOTHING: when two processes create a person's key at once, both then read the winner.
      create: db.prepare(
        'INSERT INTO pii_keys (person_id, key, created_at, erased_at) VALUES (?, ?, ?, NULL) ON CONFLICT (person_id) DO NOTHING',
      ),
      // Same-size overwrite first: the cell stays in place, so no copy of the key is left in the
      // page's free space when the row then shrinks to NULL.
      zero: db.prepare('UPDATE pii_keys SET key = zeroblob(length(key)) WHERE person_id = ? AND key IS NOT NULL'),
      erase: db.prepare(
        `INSERT INTO pii_keys (person_id, key, created_at, erased_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET key = NULL, erased_at = COALESCE(pii_keys.erased_at, excluded.erased_at)`,
      ),
    };
    this.eraseInTransaction = db.transaction((person: string, at: string): boolean => {
      const destroyed = this.stmts.zero.run(person).changes > 0;
      this.stmts.erase.run(person, at, at);
      return destroyed;
    });
  }

  async get(person: string): Promise<PersonKey | undefined> {
    const row = this.stmts.get.get(person) as KeyRow | undefined;
    return row && { key: row.key, createdAt: row.created_at, erasedAt: row.erased_at };
  }

  async getOrCreate(person: string, key: Buffer, at: string): Promise<Buffer | null> {
    // Read first: a key that exists costs no write (and no fsync).
    let row = this.stmts.get.get(person) as KeyRow | undefined;
    if (!row) {
      this.stmts.create.run(person, key, at);
      row = this.stmts.get.get(person) as KeyRow;
    }
    return row.key;
  }

  async erase(person: string, at: string): Promise<boolean> {
    return this.eraseInTransaction.immediate(person, at);
  }
}
