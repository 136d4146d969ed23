import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { deriveSecret } from './derive-secret';
import { PersonalDataVault, PersonErasedError, SealedValueCorruptError } from './personal-data-vault';
import { ERASED, isSealed, SealedValue } from './sealed-value';

describe('PersonalDataVault (real SQLite file)', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;
  let vault: PersonalDataVault;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pz-vault-'));
    path = join(dir, 'grants.sqlite');
    db = new Database(path);
    db.pragma('journal_mode = WAL'); // as the service opens it
    vault = new PersonalDataVault(db, {
      personIdSecret: deriveSecret('test-secret-that-is-at-least-32-characters-long', 'person-id'),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = () => vault.personIdFor('alice@example.org');
  const bob = () => vault.personIdFor('bob@example.org');

  it('seals and opens a value, and the sealed form carries no plaintext', () => {
    const sealed = vault.seal(alice(), 'alice@example.org');
    expect(sealed).toMatchObject({ $pii: 1, person: alice() });
    expect(isSealed(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('alice');
    expect(vault.open(sealed)).toBe('alice@example.org');
  });

  it('uses a fresh IV every time, so equal values never look equal', () => {
    const a = vault.seal(alice(), 'same');
    const b = vault.seal(alice(), 'same');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(vault.open(a)).toBe('same');
    expect(vault.open(b)).toBe('same');
  });

  it('keeps the key in pii_keys, not in the sealed value', () => {
    vault.seal(alice(), 'x');
    const row = db.prepare('SELECT key, created_at, erased_at FROM pii_keys WHERE person_id = ?').get(alice()) as {
      key: Buffer;
      created_at: string;
      erased_at: string | null;
    };
    expect(row.key).toHaveLength(32);
    expect(row).toMatchObject({ created_at: '2026-01-02T03:04:05.000Z', erased_at: null });
  });

  it('refuses to open an altered value (throws, so corruption is not mistaken for erasure)', () => {
    const sealed = vault.seal(alice(), 'alice@example.org');
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0] ^= 0x01;
    const altered: SealedValue[] = [
      { ...sealed, ct: ct.toString('base64') },
      { ...sealed, tag: Buffer.alloc(16).toString('base64') },
      { ...sealed, iv: Buffer.alloc(12).toString('base64') },
      { ...sealed, iv: Buffer.alloc(8).toString('base64') },
    ];
    for (const value of altered) expect(() => vault.open(value)).toThrow(SealedValueCorruptError);
  });

  it("refuses a value moved under another person's id", () => {
    vault.seal(bob(), 'bob has a key too');
    const sealed = vault.seal(alice(), 'alice@example.org');
    expect(() => vault.open({ ...sealed, person: bob() })).toThrow(SealedValueCorruptError);
  });

  it('erasing a person makes every one of their values unreadable, and no one else\'s', () => {
    const aliceValues = [vault.seal(alice(), 'alice@example.org'), vault.seal(alice(), '07700 900123')];
    const bobValue = vault.seal(bob(), 'bob@example.org');

    expect(vault.erase(alice())).toBe(true);

    for (const value of aliceValues) {
      expect(vault.open(value)).toBeNull();
      expect(vault.reveal(value)).toBe(ERASED);
    }
    expect(vault.open(bobValue)).toBe('bob@example.org');
    expect(vault.isErased(alice())).toBe(true);
    expect(vault.isErased(bob())).toBe(false);
  });

  it('erases for good: the key bytes are gone from the file once checkpointed, and a new vault agrees', () => {
    const sealed = vault.seal(alice(), 'alice@example.org');
    const key = (db.prepare('SELECT key FROM pii_keys WHERE person_id = ?').pluck().get(alice()) as Buffer).toString('hex');
    vault.erase(alice());
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).toString('hex')).not.toContain(key);

    const reopened = new PersonalDataVault(db, { personIdSecret: 'other' });
    expect(reopened.open(sealed)).toBeNull();
  });

  it('erase is idempotent and keeps the first erasure time', () => {
    vault.seal(alice(), 'x');
    expect(vault.erase(alice())).toBe(true);
    const later = new PersonalDataVault(db, { personIdSecret: 'x', now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(later.erase(alice())).toBe(false);
    const erasedAt = db.prepare('SELECT erased_at FROM pii_keys WHERE person_id = ?').pluck().get(alice());
    expect(erasedAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('refuses to seal anything more for an erased person, even one erased before first use', () => {
    vault.seal(alice(), 'x');
    vault.erase(alice());
    expect(() => vault.seal(alice(), 'again')).toThrow(PersonErasedError);

    const carol = vault.personIdFor('carol@example.org');
    expect(vault.erase(carol)).toBe(false);
    expect(() => vault.seal(carol, 'first')).toThrow(PersonErasedError);
  });

  it('reads a value whose key is missing altogether as erased', () => {
    const sealed = vault.seal(alice(), 'x');
    db.prepare('DELETE FROM pii_keys').run();
    expect(vault.open(sealed)).toBeNull();
  });

  it('maps an address to one stable pseudonym whatever its case or spaces', () => {
    const id = vault.personIdFor('Alice@Example.ORG');
    expect(id).toMatch(/^person-[0-9a-f]{32}$/);
    expect(vault.personIdFor('  alice@example.org\t')).toBe(id);
    expect(vault.personIdFor('alice@example.org')).toBe(id);
    expect(vault.personIdFor('alice2@example.org')).not.toBe(id);
  });

  it('keys the pseudonym with the secret, so it cannot be confirmed by hashing a guess', () => {
    const other = new PersonalDataVault(db, { personIdSecret: deriveSecret('a-different-secret-of-at-least-32-chars', 'person-id') });
    expect(other.personIdFor('alice@example.org')).not.toBe(alice());
  });

  it('refuses to seal under anything but a person id (an address there would be plaintext)', () => {
    expect(() => vault.seal('alice@example.org', 'x')).toThrow(TypeError);
    expect(() => vault.erase('alice@example.org')).toThrow(TypeError);
  });

  it('reveals every sealed value in a document, at any depth', () => {
    const doc = {
      id: 'a1',
      contact: { email: vault.seal(alice(), 'alice@example.org') },
      partners: [{ name: vault.seal(bob(), 'Bob') }],
      count: 2,
    };
    vault.erase(bob());
    expect(vault.revealDeep(doc)).toEqual({
      id: 'a1',
      contact: { email: 'alice@example.org' },
      partners: [{ name: ERASED }],
      count: 2,
    });
  });
});

describe('isSealed', () => {
  it('recognises only the sealed shape', () => {
    expect(isSealed({ $pii: 1, person: 'person-x', iv: '', ct: '', tag: '' })).toBe(true);
    expect(isSealed('alice@example.org')).toBe(false);
    expect(isSealed(null)).toBe(false);
    expect(isSealed({ $pii: 2, person: 'p', iv: '', ct: '', tag: '' })).toBe(false);
    expect(isSealed({ $pii: 1, person: 'p', iv: '', ct: '' })).toBe(false);
  });
});
