import Database from 'better-sqlite3';
import { BatchDocuments, SqliteDocuments } from './document-store';

interface Counter {
  n: number;
}

describe('DocumentStore.update', () => {
  let db: Database.Database;
  let base: SqliteDocuments;

  beforeEach(() => {
    db = new Database(':memory:');
    base = new SqliteDocuments(db);
  });
  afterEach(() => db.close());

  /** The raw JSON rows, to see exactly what reached SQLite. */
  const rows = () => db.prepare('SELECT collection, id, doc FROM rm_docs ORDER BY collection, id').all();

  it('SqliteDocuments: changes an existing document and returns it', () => {
    base.put<Counter>('c', 'a', { n: 1 });
    expect(base.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }))).toEqual({ n: 2 });
    expect(base.get('c', 'a')).toEqual({ n: 2 });
  });

  it('SqliteDocuments: does nothing to a document that does not exist', () => {
    const change = jest.fn((d: Counter) => d);
    expect(base.update<Counter>('c', 'missing', change)).toBeUndefined();
    expect(change).not.toHaveBeenCalled();
    expect(rows()).toEqual([]);
  });

  it('BatchDocuments: changes in the cache, writes back at flush, and only what changed', () => {
    base.put<Counter>('c', 'a', { n: 1 });
    base.put<Counter>('c', 'b', { n: 10 });
    const put = jest.spyOn(base, 'put');
    const batch = new BatchDocuments(base);

    batch.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }));
    batch.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }));
    batch.get<Counter>('c', 'b');
    expect(batch.get('c', 'a')).toEqual({ n: 3 });
    expect(base.get('c', 'a')).toEqual({ n: 1 });
    expect(put).not.toHaveBeenCalled();

    batch.flush();
    expect(put.mock.calls).toEqual([['c', 'a', { n: 3 }]]);
    expect(base.get('c', 'a')).toEqual({ n: 3 });
    expect(base.get('c', 'b')).toEqual({ n: 10 });
  });

  it('BatchDocuments: does nothing to a document that does not exist or was deleted in the batch', () => {
    base.put<Counter>('c', 'gone', { n: 1 });
    const batch = new BatchDocuments(base);
    batch.delete('c', 'gone');
    const change = jest.fn((d: Counter) => d);

    expect(batch.update<Counter>('c', 'missing', change)).toBeUndefined();
    expect(batch.update<Counter>('c', 'gone', change)).toBeUndefined();
    expect(change).not.toHaveBeenCalled();

    batch.flush();
    expect(rows()).toEqual([]);
  });
});
