import type { IdempotencyRecords } from '../idempotency-records';

export interface IdempotencyRecordsFixture {
  records: IdempotencyRecords;
  /** A second handle on the same storage, as another process would hold. */
  another(): Promise<IdempotencyRecords>;
  close(): Promise<void>;
}

const request = (name: string) => ({ requestHash: `mac-of-${name}`, status: 201 });
const T0 = '2026-11-28T10:00:00.000Z';
const LATER = '2026-11-28T10:00:01.000Z';
const TOMORROW = '2026-11-29T10:00:00.000Z';
const AFTER_TOMORROW = '2026-11-29T10:00:00.001Z';

/** What every store of keyed requests must do, whatever stands behind it. */
export function idempotencyRecordsContract(name: string, open: () => Promise<IdempotencyRecordsFixture>): void {
  describe(`IdempotencyRecords contract: ${name}`, () => {
    let fixture: IdempotencyRecordsFixture;
    let records: IdempotencyRecords;

    beforeEach(async () => {
      fixture = await open();
      records = fixture.records;
    });
    afterEach(async () => fixture.close());

    it('finds nothing for a key never used', async () => {
      expect(await records.find('caller-1', 'k', T0)).toBeUndefined();
    });

    it('keeps the first request for a caller and key; a later one does not replace it', async () => {
      await records.keep('caller-1', 'k', request('first'), T0, TOMORROW, 10);
      await records.keep('caller-1', 'k', request('second'), LATER, TOMORROW, 10);
      expect(await records.find('caller-1', 'k', LATER)).toEqual(request('first'));
    });

    it("keeps callers' keys apart: the same key from two callers is two records", async () => {
      await records.keep('caller-1', 'k', request('one'), T0, TOMORROW, 10);
      await records.keep('caller-2', 'k', request('two'), T0, TOMORROW, 10);
      expect(await records.find('caller-1', 'k', T0)).toEqual(request('one'));
      expect(await records.find('caller-2', 'k', T0)).toEqual(request('two'));
    });

    it('shows a kept request to another process', async () => {
      const other = await fixture.another();
      await records.keep('caller-1', 'k', request('shared'), T0, TOMORROW, 10);
      expect(await other.find('caller-1', 'k', T0)).toEqual(request('shared'));
    });

    it('forgets a request once it expires, and the key may then be used afresh', async () => {
      await records.keep('caller-1', 'k', request('old'), T0, TOMORROW, 10);
      expect(await records.find('caller-1', 'k', AFTER_TOMORROW)).toBeUndefined();
      await records.keep('caller-1', 'k', request('new'), AFTER_TOMORROW, '2026-11-30T10:00:00.001Z', 10);
      expect(await records.find('caller-1', 'k', AFTER_TOMORROW)).toEqual(request('new'));
    });

    it("keeps at most the given number per caller, forgetting the oldest, and leaves other callers' alone", async () => {
      await records.keep('caller-2', 'theirs', request('theirs'), T0, TOMORROW, 3);
      for (let i = 0; i < 5; i++) {
        await records.keep('caller-1', `k${i}`, request(`r${i}`), `2026-11-28T10:00:0${i}.000Z`, TOMORROW, 3);
      }
      const kept = [];
      for (let i = 0; i < 5; i++) kept.push(await records.find('caller-1', `k${i}`, LATER));
      expect(kept).toEqual([undefined, undefined, request('r2'), request('r3'), request('r4')]);
      expect(await records.find('caller-2', 'theirs', LATER)).toEqual(request('theirs'));
    });
  });
}
