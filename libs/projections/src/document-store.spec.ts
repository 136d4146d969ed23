import { BatchDocuments, MemoryDocuments } from './document-store';

interface Counter {
  n: number;
}

/** A stand-in for the store's reads, counting them. */
function stored(docs: Record<string, unknown>) {
  const loads: string[] = [];
  const load = async <T,>(collection: string, id: string): Promise<T | undefined> => {
    loads.push(`${collection}/${id}`);
    const doc = docs[`${collection}/${id}`];
    return doc === undefined ? undefined : (structuredClone(doc) as T);
  };
  return { load, loads };
}

describe('DocumentStore.update', () => {
  it('MemoryDocuments: changes an existing document and returns it', async () => {
    const docs = new MemoryDocuments();
    docs.put<Counter>('c', 'a', { n: 1 });
    expect(await docs.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }))).toEqual({ n: 2 });
    expect(await docs.get('c', 'a')).toEqual({ n: 2 });
  });

  it('MemoryDocuments: does nothing to a document that does not exist', async () => {
    const docs = new MemoryDocuments();
    const change = jest.fn((d: Counter) => d);
    expect(await docs.update<Counter>('c', 'missing', change)).toBeUndefined();
    expect(change).not.toHaveBeenCalled();
    expect(docs.snapshot(['c'])).toEqual(new Map());
  });

  it('BatchDocuments: changes in memory, hands over only what changed, and loads each document once', async () => {
    const { load, loads } = stored({ 'c/a': { n: 1 }, 'c/b': { n: 10 } });
    const batch = new BatchDocuments(load);

    await batch.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }));
    await batch.update<Counter>('c', 'a', (d) => ({ n: d.n + 1 }));
    await batch.get<Counter>('c', 'b');
    expect(await batch.get('c', 'a')).toEqual({ n: 3 });
    expect(loads).toEqual(['c/a', 'c/b']);

    expect(batch.takeChanges()).toEqual([{ collection: 'c', id: 'a', doc: { n: 3 } }]);
    expect(batch.takeChanges()).toEqual([]);
  });

  it('BatchDocuments: does nothing to a document that does not exist or was deleted in the batch', async () => {
    const { load } = stored({ 'c/gone': { n: 1 } });
    const batch = new BatchDocuments(load);
    batch.delete('c', 'gone');
    const change = jest.fn((d: Counter) => d);

    expect(await batch.update<Counter>('c', 'missing', change)).toBeUndefined();
    expect(await batch.update<Counter>('c', 'gone', change)).toBeUndefined();
    expect(change).not.toHaveBeenCalled();
    expect(batch.takeChanges()).toEqual([{ collection: 'c', id: 'gone', doc: null }]);
  });

  it('BatchDocuments: keeps up to `keep` documents parsed between batches, never dropping an unwritten change', async () => {
    const { load, loads } = stored({ 'c/a': { n: 1 }, 'c/b': { n: 2 }, 'c/c': { n: 3 } });
    const batch = new BatchDocuments(load, 2);
    // Three changes in one batch, more than it keeps: all three are handed over.
    for (const id of ['a', 'b', 'c']) await batch.update<Counter>('c', id, (d) => ({ n: d.n * 10 }));
    expect(batch.takeChanges().map((c) => c.doc)).toEqual([{ n: 10 }, { n: 20 }, { n: 30 }]);
    // The two most recent stay parsed (as written); the oldest is read from the store again.
    loads.length = 0;
    expect(await batch.get('c', 'c')).toEqual({ n: 30 });
    expect(await batch.get('c', 'b')).toEqual({ n: 20 });
    expect(loads).toEqual([]);
    await batch.get('c', 'a');
    expect(loads).toEqual(['c/a']);
  });

  it('BatchDocuments: a write made while a load was in flight wins over what was loaded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batch = new BatchDocuments(async <T,>() => {
      await gate;
      return { n: 1 } as T;
    }, 10);
    const reading = batch.get<Counter>('c', 'a');
    batch.put<Counter>('c', 'a', { n: 2 });
    release();
    await reading;
    expect(await batch.get('c', 'a')).toEqual({ n: 2 });
  });
});
