import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { deriveSecret } from '@pz/platform/config/derived-keys';
import { PersonalDataVault, PersonErasedError, SealedValueCorruptError } from './personal-data-vault';
import { SqlitePersonalDataKeys } from './sqlite/sqlite-personal-data-keys';
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
    vault = new PersonalDataVault(new SqlitePersonalDataKeys(db), {
      personIdSecret: deriveSecret('test-secret-that-is-at-least-32-characters-long', 'person-id'),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = () => vault.pseudonymOf('alice@example.org');
  const bob = () => vault.pseudonymOf('bob@example.org');

  it('seals and opens a value, and the sealed form carries no plaintext', async () => {
    const sealed = await vault.seal(alice(), 'alice@example.org');
    expect(sealed).toMatchObject({ $pii: 1, person: alice() });
    expect(isSealed(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('alice');
    expect(await vault.open(sealed)).toBe('alice@example.org');
  });

  it('uses a fresh IV every time, so equal values never look equal', async () => {
    const a = await vault.seal(alice(), 'same');
    const b = await vault.seal(alice(), 'same');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(await vault.open(a)).toBe('same');
    expect(await vault.open(b)).toBe('same');
  });

  it('keeps the key in pii_keys, not in the sealed value', async () => {
    await vault.seal(alice(), 'x');
    const row = db.prepare('SELECT key, created_at, erased_at FROM pii_keys WHERE person_id = ?').get(alice()) as {
      key: Buffer;
      created_at: string;
      erased_at: string | null;
    };
    expect(row.key).toHaveLength(32);
    expect(row).toMatchObject({ created_at: '2026-01-02T03:04:05.000Z', erased_at: null });
  });

  it('refuses to open an altered value (throws, so corruption is not mistaken for erasure)', async () => {
    const sealed = await vault.seal(alice(), 'alice@example.org');
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0] ^= 0x01;
    const altered: SealedValue[] = [
      { ...sealed, ct: ct.toString('base64') },
      { ...sealed, tag: Buffer.alloc(16).toString('base64') },
      { ...sealed, iv: Buffer.alloc(12).toString('base64') },
      { ...sealed, iv: Buffer.alloc(8).toString('base64') },
    ];
    for (const value of altered) await expect(vault.open(value)).rejects.toThrow(SealedValueCorruptError);
  });

  it("refuses a value moved under another person's id", async () => {
    await vault.seal(bob(), 'bob has a key too');
    const sealed = await vault.seal(alice(), 'alice@example.org');
    await expect(vault.open({ ...sealed, person: bob() })).rejects.toThrow(SealedValueCorruptError);
  });

  it('erasing a person makes every one of their values unreadable, and no one else\'s', async () => {
    const aliceValues = [await vault.seal(alice(), 'alice@example.org'), await vault.seal(alice(), '07700 900123')];
    const bobValue = await vault.seal(bob(), 'bob@example.org');

    expect(await vault.erase(alice())).toBe(true);

    for (const value of aliceValues) {
      expect(await vault.open(value)).toBeNull();
      expect(await vault.reveal(value)).toBe(ERASED);
    }
    expect(await vault.open(bobValue)).toBe('bob@example.org');
    expect(await vault.isErased(alice())).toBe(true);
    expect(await vault.isErased(bob())).toBe(false);
  });

  it('erases for good: the key bytes are gone from the file once checkpointed, and a new vault agrees', async () => {
    const sealed = await vault.seal(alice(), 'alice@example.org');
    const key = (db.prepare('SELECT key FROM pii_keys WHERE person_id = ?').pluck().get(alice()) as Buffer).toString('hex');
    await vault.erase(alice());
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).toString('hex')).not.toContain(key);

    const reopened = new PersonalDataVault(new SqlitePersonalDataKeys(db), { personIdSecret: 'other' });
    expect(await reopened.open(sealed)).toBeNull();
  });

  it('erase is idempotent and keeps the first erasure time', async () => {
    await vault.seal(alice(), 'x');
    expect(await vault.erase(alice())).toBe(true);
    const later = new PersonalDataVault(new SqlitePersonalDataKeys(db), { personIdSecret: 'x', now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(await later.erase(alice())).toBe(false);
    const erasedAt = db.prepare('SELECT erased_at FROM pii_keys WHERE person_id = ?').pluck().get(alice());
    expect(erasedAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('refuses to seal anything more for an erased person, even one erased before first use', async () => {
    await vault.seal(alice(), 'x');
    await vault.erase(alice());
    await expect(vault.seal(alice(), 'again')).rejects.toThrow(PersonErasedError);

    const carol = vault.pseudonymOf('carol@example.org');
    expect(await vault.erase(carol)).toBe(false);
    await expect(vault.seal(carol, 'first')).rejects.toThrow(PersonErasedError);
  });

  it('reads a value whose key is missing altogether as erased', async () => {
    const sealed = await vault.seal(alice(), 'x');
    db.prepare('DELETE FROM pii_keys').run();
    expect(await vault.open(sealed)).toBeNull();
  });

  it('maps an address to one stable pseudonym whatever its case or spaces', async () => {
    const id = vault.pseudonymOf('Alice@Example.ORG');
    expect(id).toMatch(/^person-[0-9a-f]{32}$/);
    expect(vault.pseudonymOf('  alice@example.org\t')).toBe(id);
    expect(vault.pseudonymOf('alice@example.org')).toBe(id);
    expect(vault.pseudonymOf('alice2@example.org')).not.toBe(id);
  });

  it('makes an erased address used again a new person, telling no one that anyone was erased', async () => {
    expect(await vault.personIdFor('Alice@Example.org')).toBe(alice());
    const before = await vault.sealFor('alice@example.org');
    await vault.erase(alice());
    const successor = await vault.personIdFor(' alice@example.org ');
    expect(successor).toMatch(/^person-[0-9a-f]{32}$/);
    expect(successor).not.toBe(alice());
    const after = await vault.sealFor('alice@example.org');
    expect(after.person).toBe(successor);
    expect(await vault.open(after)).toBe('alice@example.org');
    // The erased pseudonym stays erased, and the next erasure moves the address on again.
    expect(await vault.open(before)).toBeNull();
    await vault.erase(successor);
    const third = await vault.personIdFor('alice@example.org');
    expect(new Set([alice(), successor, third]).size).toBe(3);
  });

  it('keys the pseudonym with the secret, so it cannot be confirmed by hashing a guess', async () => {
    const other = new PersonalDataVault(new SqlitePersonalDataKeys(db), { personIdSecret: deriveSecret('a-different-secret-of-at-least-32-chars', 'person-id') });
    expect(other.pseudonymOf('alice@example.org')).not.toBe(alice());
  });

  it('refuses to seal under anything but a person id (an address there would be plaintext)', async () => {
    await expect(vault.seal('alice@example.org', 'x')).rejects.toThrow(TypeError);
    await expect(vault.erase('alice@example.org')).rejects.toThrow(TypeError);
  });

  it('reveals every sealed value in a document, at any depth', async () => {
    const doc = {
      id: 'a1',
      contact: { email: await vault.seal(alice(), 'alice@example.org') },
      partners: [{ name: await vault.seal(bob(), 'Bob') }],
      count: 2,
    };
    await vault.erase(bob());
    expect(await vault.revealDeep(doc)).toEqual({
      id: 'a1',
      contact: { email: 'alice@example.org' },
      partners: [{ name: ERASED }],
      count: 2,
    });
  });
});

describe('isSealed', () => {
  it('recognises only the sealed shape', async () => {
    expect(isSealed({ $pii: 1, person: 'person-x', iv: '', ct: '', tag: '' })).toBe(true);
    expect(isSealed('alice@example.org')).toBe(false);
    expect(isSealed(null)).toBe(false);
    expect(isSealed({ $pii: 2, person: 'p', iv: '', ct: '', tag: '' })).toBe(false);
    expect(isSealed({ $pii: 1, person: 'p', iv: '', ct: '' })).toBe(false);
  });
});
