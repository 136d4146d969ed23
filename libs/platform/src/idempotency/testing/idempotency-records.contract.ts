import type { IdempotencyRecords } from '../idempotency-records';

export interface IdempotencyRecordsFixture {
  records: IdempotencyRecords;
  /** A second handle on the same storage, as another process would hold. */
  another(): Promise<IdempotencyRecords>;
  close(): Promise<void>;
}

const answer = (body: string) => ({ requestHash: `hash-of-${body}`, status: 201, body });

/** What every store of keyed answers must do, whatever stands behind it. */
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
      expect(await records.find('caller-1', 'k')).toBeUndefined();
    });

    it('keeps the first answer for a caller and key; a later one does not replace it', async () => {
      await records.keep('caller-1', 'k', answer('first'), '2026-11-28T10:00:00.000Z');
      await records.keep('caller-1', 'k', answer('second'), '2026-11-28T10:00:01.000Z');
      expect(await records.find('caller-1', 'k')).toEqual(answer('first'));
    });

    it("keeps callers' keys apart: the same key from two callers is two records", async () => {
      await records.keep('caller-1', 'k', answer('one'), '2026-11-28T10:00:00.000Z');
      await records.keep('caller-2', 'k', answer('two'), '2026-11-28T10:00:00.000Z');
      expect(await records.find('caller-1', 'k')).toEqual(answer('one'));
      expect(await records.find('caller-2', 'k')).toEqual(answer('two'));
    });

    it('shows a kept answer to another process', async () => {
      const other = await fixture.another();
      await records.keep('caller-1', 'k', answer('shared'), '2026-11-28T10:00:00.000Z');
      expect(await other.find('caller-1', 'k')).toEqual(answer('shared'));
    });
  });
}
