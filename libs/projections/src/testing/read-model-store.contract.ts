import type { Checkpoint, ReadModelStore } from '../document-store';

export interface ReadModelStoreFixture {
  store: ReadModelStore;
  /** A second handle on the same storage, as another process would hold. */
  another(): Promise<ReadModelStore>;
  close(): Promise<void>;
}

const at = (position: number, version = 1): Checkpoint => ({ position, version });
const projection = { name: 'ledger', version: 1, collections: ['accounts', 'totals'] };

/**
 * What every read-model store must do, whatever stands behind it: the runner's conditional
 * commits and resets are what keep read models whole when several processes share one store.
 */
export function readModelStoreContract(name: string, open: () => Promise<ReadModelStoreFixture>): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    let fixture: ReadModelStoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => fixture.close());

    it('reads nothing from an empty store', async () => {
      expect(await store.get('accounts', 'a')).toBeUndefined();
      expect(await store.list('accounts')).toEqual([]);
      expect(await store.checkpoints()).toEqual(new Map());
    });

    it('writes a batch and its checkpoints together, and reads documents back as they were written', async () => {
      const doc = { total: 12.5, owner: 'Zoë “Bell” O’Neil', history: [1, 2], nested: { empty: [], none: null, yes: true } };
      const ok = await store.commit({
        expected: new Map([['ledger', null]]),
        next: new Map([['ledger', at(2)]]),
        changes: [
          { collection: 'accounts', id: 'b', doc: { n: 2 } },
          { collection: 'accounts', id: 'a', doc },
          { collection: 'totals', id: 'all', doc: { n: 3 } },
        ],
      });
      expect(ok).toBe(true);
      expect(await store.get('accounts', 'a')).toEqual(doc);
      expect(await store.list('accounts')).toEqual([doc, { n: 2 }]);
      expect(await store.checkpoints()).toEqual(new Map([['ledger', at(2)]]));
    });

    it('deletes documents a batch deletes, and leaves other collections alone', async () => {
      await store.commit({ expected: new Map([['ledger', null]]), next: new Map([['ledger', at(1)]]), changes: [
        { collection: 'accounts', id: 'a', doc: { n: 1 } },
        { collection: 'totals', id: 'a', doc: { n: 1 } },
      ] });
      await store.commit({ expected: new Map([['ledger', at(1)]]), next: new Map([['ledger', at(2)]]), changes: [
        { collection: 'accounts', id: 'a', doc: null },
      ] });
      expect(await store.get('accounts', 'a')).toBeUndefined();
      expect(await store.get('totals', 'a')).toEqual({ n: 1 });
    });

    it('refuses a batch whose checkpoints moved since it was applied, writing none of it', async () => {
      await store.commit({ expected: new Map([['ledger', null]]), next: new Map([['ledger', at(5)]]), changes: [] });
      const stale = { collection: 'accounts', id: 'a', doc: { n: 'stale' } };
      expect(await store.commit({ expected: new Map([['ledger', at(3)]]), next: new Map([['ledger', at(6)]]), changes: [stale] })).toBe(false);
      expect(await store.commit({ expected: new Map([['ledger', null]]), next: new Map([['ledger', at(6)]]), changes: [stale] })).toBe(false);
      expect(await store.commit({ expected: new Map([['ledger', at(5, 2)]]), next: new Map([['ledger', at(6, 2)]]), changes: [stale] })).toBe(false);
      expect(await store.get('accounts', 'a')).toBeUndefined();
      expect(await store.checkpoints()).toEqual(new Map([['ledger', at(5)]]));
    });

    it('lets exactly one of two handles commit on the same checkpoint', async () => {
      const other = await fixture.another();
      try {
        const batch = (n: number) => ({
          expected: new Map([['ledger', null]]),
          next: new Map([['ledger', at(n)]]),
          changes: [{ collection: 'accounts', id: 'a', doc: { by: n } }],
        });
        const results = await Promise.all([store.commit(batch(1)), other.commit(batch(2))]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? 1 : 2;
        expect(await other.get('accounts', 'a')).toEqual({ by: winner });
        expect(await store.checkpoints()).toEqual(new Map([['ledger', at(winner)]]));
      } finally {
        await other.close();
      }
    });

    it("resets a projection: its collections emptied, its checkpoint at zero under its version, others' untouched", async () => {
      await store.commit({
        expected: new Map([['ledger', null], ['other', null]]),
        next: new Map([['ledger', at(4)], ['other', at(4)]]),
        changes: [
          { collection: 'accounts', id: 'a', doc: { n: 1 } },
          { collection: 'totals', id: 't', doc: { n: 1 } },
          { collection: 'elsewhere', id: 'e', doc: { n: 1 } },
        ],
      });
      expect(await store.reset({ ...projection, version: 2 }, at(3))).toBe(false);
      expect(await store.get('accounts', 'a')).toEqual({ n: 1 });
      expect(await store.reset({ ...projection, version: 2 }, at(4))).toBe(true);
      expect(await store.list('accounts')).toEqual([]);
      expect(await store.list('totals')).toEqual([]);
      expect(await store.get('elsewhere', 'e')).toEqual({ n: 1 });
      expect(await store.checkpoints()).toEqual(new Map([['ledger', at(0, 2)], ['other', at(4)]]));
    });

    it('resets a projection that has no checkpoint yet', async () => {
      expect(await store.reset(projection, null)).toBe(true);
      expect(await store.checkpoints()).toEqual(new Map([['ledger', at(0)]]));
    });

    it('snapshots documents and checkpoints as of one commit', async () => {
      await store.commit({ expected: new Map([['ledger', null]]), next: new Map([['ledger', at(7)]]), changes: [
        { collection: 'accounts', id: 'b', doc: { n: 2 } },
        { collection: 'accounts', id: 'a', doc: { n: 1 } },
        { collection: 'elsewhere', id: 'e', doc: { n: 9 } },
      ] });
      const snapshot = await store.snapshot(['accounts', 'totals']);
      expect([...snapshot.documents]).toEqual([['accounts/a', { n: 1 }], ['accounts/b', { n: 2 }]]);
      expect(snapshot.checkpoints).toEqual(new Map([['ledger', at(7)]]));
    });
  });
}
