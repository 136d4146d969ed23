import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ERASED, isSealed, Revealed, SealedValue } from './sealed-value';

/**
 * Keys are not events: they live in this table beside the read models, so erasing a person is
 * deleting one key while the event log stays append-only. The row outlives the key (key NULL,
 * erased_at set) as the record that the erasure happened.
 */
export const PII_KEYS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS pii_keys (
    person_id  TEXT PRIMARY KEY,
    key        BLOB,
    created_at TEXT NOT NULL,
    erased_at  TEXT
  );
`;

const PERSON_ID = /^person-[0-9a-f]{32}$/;
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Sealing for a person whose key was erased: erasure is final for that pseudonym. */
export class PersonErasedError extends Error {
  override readonly name = 'PersonErasedError';
  constructor(readonly person: string) {
    super(`Personal data of ${person} has been erased; nothing more can be sealed for them`);
  }
}

/**
 * A sealed value whose key exists but which does not authenticate: altered ciphertext, IV, tag
 * or person. Raised rather than read as erased, so corruption is never mistaken for an erasure.
 */
export class SealedValueCorruptError extends Error {
  override readonly name = 'SealedValueCorruptError';
  constructor(readonly person: string) {
    super(`A sealed value of ${person} failed authentication (altered or corrupt)`);
  }
}

export interface PersonalDataVaultOptions {
  /** HMAC key for pseudonymous person ids; changing it changes every person id. */
  personIdSecret: string | Buffer;
  /** Clock for created_at / erased_at; tests pass a fixed one. */
  now?: () => Date;
}

interface KeyRow {
  key: Buffer | null;
  erased_at: string | null;
}

/**
 * Crypto-shredding vault: personal data goes into events only sealed (AES-256-GCM) under a
 * per-person key kept here, so deleting the key erases the person from every event, read model
 * and backup of the log at once. No plaintext is ever logged or kept by this class.
 */
export class PersonalDataVault {
  private readonly now: () => Date;
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly options: PersonalDataVaultOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    db.exec(PII_KEYS_SCHEMA);
    this.stmts = {
      get: db.prepare('SELECT key, erased_at FROM pii_keys WHERE person_id = ?'),
      // DO NOTHING: when two processes create a person's key at once, both then read the winner.
      create: db.prepare(
        'INSERT INTO pii_keys (person_id, key, created_at, erased_at) VALUES (?, ?, ?, NULL) ON CONFLICT (person_id) DO NOTHING',
      ),
      // Same-size overwrite first: the cell stays in place, so no copy of the key is left in the
      // page's free space when the row then shrinks to NULL.
      zero: db.prepare('UPDATE pii_keys SET key = zeroblob(length(key)) WHERE person_id = ? AND key IS NOT NULL'),
      // A tombstone even for a person never seen: whatever races the erasure can no longer seal.
      erase: db.prepare(
        `INSERT INTO pii_keys (person_id, key, created_at, erased_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET key = NULL, erased_at = COALESCE(pii_keys.erased_at, excluded.erased_at)`,
      ),
    };
  }

  /**
   * The person's stable pseudonym: the same address (whatever its case or surrounding spaces)
   * always gives the same id, so one erasure reaches every feature that met the address.
   * Keyed, so an id cannot be confirmed by hashing a guessed address.
   */
  personIdFor(email: string): string {
    const normalised = email.normalize('NFC').trim().toLowerCase();
    const mac = createHmac('sha256', this.options.personIdSecret).update(normalised, 'utf8').digest('hex');
    return `person-${mac.slice(0, 32)}`;
  }

  /** Encrypts under the person's key (created on first use) with a fresh IV every time. */
  seal(person: string, value: string): SealedValue {
    assertPersonId(person);
    const key = this.keyFor(person);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(person));
    const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return {
      $pii: 1,
      person,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /**
   * The plaintext, or null when the person's key was erased (or never existed here, e.g. a key
   * table restored from a backup older than the value). Throws SealedValueCorruptError when
   * the key exists but the value does not authenticate.
   */
  open(sealed: SealedValue): string | null {
    if (!isSealed(sealed)) throw new TypeError('Not a sealed value');
    const row = this.stmts.get.get(sealed.person) as KeyRow | undefined;
    if (!row || row.key === null) return null;
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedValueCorruptError(sealed.person);
    try {
      const decipher = createDecipheriv(ALGORITHM, row.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(sealed.person));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedValueCorruptError(sealed.person);
    }
  }

  /** For display: the plaintext, or ERASED ("[erased]"). */
  reveal(sealed: SealedValue): string {
    return this.open(sealed) ?? ERASED;
  }

  /** A copy of a read-model document with every sealed value (at any depth) revealed. */
  revealDeep<T>(doc: T): Revealed<T> {
    const walk = (x: unknown): unknown => {
      if (isSealed(x)) return this.reveal(x);
      if (Array.isArray(x)) return x.map(walk);
      if (typeof x === 'object' && x !== null) {
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
      }
      return x;
    };
    return walk(doc) as Revealed<T>;
  }

  /**
   * Destroys the person's key: every value sealed for them, in every event and document, now
   * reads as erased. Idempotent; true only when this call destroyed a key.
   */
  erase(person: string): boolean {
    assertPersonId(person);
    const at = this.now().toISOString();
    return this.db.transaction(() => {
      const destroyed = this.stmts.zero.run(person).changes > 0;
      this.stmts.erase.run(person, at, at);
      return destroyed;
    }).immediate();
  }

  /** Whether any personal data was ever sealed for this person here (or they were erased). */
  isKnown(person: string): boolean {
    return this.stmts.get.get(person) !== undefined;
  }

  isErased(person: string): boolean {
    const row = this.stmts.get.get(person) as KeyRow | undefined;
    return row !== undefined && row.key === null;
  }

  private keyFor(person: string): Buffer {
    let row = this.stmts.get.get(person) as KeyRow | undefined;
    if (!row) {
      this.stmts.create.run(person, randomBytes(32), this.now().toISOString());
      row = this.stmts.get.get(person) as KeyRow;
    }
    if (row.key === null) throw new PersonErasedError(person);
    return row.key;
  }
}

/** Binds a ciphertext to its person: moving it under another person's id makes it fail. */
function associatedData(person: string): Buffer {
  return Buffer.from(`pz-pii:1:${person}`, 'utf8');
}

function assertPersonId(person: string): void {
  // Guards against sealing under an address by mistake, which would put plaintext in `person`.
  if (!PERSON_ID.test(person)) throw new TypeError('Not a person id (expected person-<32 hex>)');
}
