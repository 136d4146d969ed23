import { randomBytes } from 'node:crypto';
import type { PersonalDataKeys } from '../personal-data-keys';

export interface PersonalDataKeysFixture {
  keys: PersonalDataKeys;
  /** A second handle on the same storage, as another process would hold. */
  another(): Promise<PersonalDataKeys>;
  close(): Promise<void>;
}

const alice = `person-${'a'.repeat(32)}`;
const bob = `person-${'b'.repeat(32)}`;

/** What every key store must do: one key per person, shared by every process, and erasure that is final. */
export function personalDataKeysContract(name: string, open: () => Promise<PersonalDataKeysFixture>): void {
  describe(`PersonalDataKeys contract: ${name}`, () => {
    let fixture: PersonalDataKeysFixture;
    let keys: PersonalDataKeys;

    beforeEach(async () => {
      fixture = await open();
      keys = fixture.keys;
    });
    afterEach(async () => fixture.close());

    it('knows nobody at first', async () => {
      expect(await keys.get(alice)).toBeUndefined();
    });

    it('creates a key once and hands back the same key ever after', async () => {
      const first = randomBytes(32);
      expect(await keys.getOrCreate(alice, first, '2026-01-02T03:04:05.000Z')).toEqual(first);
      expect(await keys.getOrCreate(alice, randomBytes(32), '2027-01-01T00:00:00.000Z')).toEqual(first);
      expect(await keys.get(alice)).toEqual({ key: first, createdAt: '2026-01-02T03:04:05.000Z', erasedAt: null });
    });

    it('gives two processes creating a key at once the same key', async () => {
      const other = await fixture.another();
      const [a, b] = await Promise.all([keys.getOrCreate(alice, randomBytes(32), 't1'), other.getOrCreate(alice, randomBytes(32), 't2')]);
      expect(a).toEqual(b);
      expect((await other.get(alice))?.key).toEqual(a);
    });

    it("erases one person's key for good, keeping the first erasure time, and no one else's", async () => {
      await keys.getOrCreate(alice, randomBytes(32), 't0');
      const bobKey = await keys.getOrCreate(bob, randomBytes(32), 't0');
      expect(await keys.erase(alice, '2026-05-01T00:00:00.000Z')).toBe(true);
      expect(await keys.erase(alice, '2027-05-01T00:00:00.000Z')).toBe(false);
      expect(await keys.get(alice)).toEqual({ key: null, createdAt: 't0', erasedAt: '2026-05-01T00:00:00.000Z' });
      expect(await keys.getOrCreate(alice, randomBytes(32), 't3')).toBeNull();
      expect((await keys.get(bob))?.key).toEqual(bobKey);
    });

    it('records an erasure of someone never seen, so no key can be made for them afterwards', async () => {
      expect(await keys.erase(alice, '2026-05-01T00:00:00.000Z')).toBe(false);
      expect(await keys.getOrCreate(alice, randomBytes(32), 't1')).toBeNull();
      expect(await keys.get(alice)).toMatchObject({ key: null, erasedAt: '2026-05-01T00:00:00.000Z' });
    });
  });
}
