import { KeyedSerialQueue } from './keyed-serial-queue';

/** A promise the test settles by hand, so it decides when each piece of work finishes. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise callback that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Work that notes its name in `started` when it starts, and settles as `outcome` does. */
function noting<T>(started: string[], name: string, outcome: Promise<T>): () => Promise<T> {
  return () => {
    started.push(name);
    return outcome;
  };
}

describe('KeyedSerialQueue', () => {
  it('starts work for a key only after the earlier work for that key has finished', async () => {
    const queue = new KeyedSerialQueue();
    const first = deferred<string>();
    const started: string[] = [];
    const firstResult = queue.run('k', noting(started, 'first', first.promise));
    const secondResult = queue.run('k', noting(started, 'second', Promise.resolve('second done')));

    await settle();
    expect(started).toEqual(['first']);

    first.resolve('first done');
    await expect(firstResult).resolves.toBe('first done');
    await expect(secondResult).resolves.toBe('second done');
    expect(started).toEqual(['first', 'second']);
  });

  it('still runs the next work for a key after the earlier work rejected, and reports each outcome to its caller', async () => {
    const queue = new KeyedSerialQueue();
    const first = deferred();
    const started: string[] = [];
    const firstResult = queue.run('k', noting(started, 'first', first.promise));
    const secondResult = queue.run('k', noting(started, 'second', Promise.resolve(2)));

    await settle();
    expect(started).toEqual(['first']);

    first.reject(new Error('first failed'));
    await expect(firstResult).rejects.toThrow('first failed');
    await expect(secondResult).resolves.toBe(2);
    expect(started).toEqual(['first', 'second']);
  });

  it('runs work for different keys at the same time', async () => {
    const queue = new KeyedSerialQueue();
    const a = deferred();
    const b = deferred();
    const started: string[] = [];
    const results = [queue.run('a', noting(started, 'a', a.promise)), queue.run('b', noting(started, 'b', b.promise))];

    await settle();
    expect(started).toEqual(['a', 'b']);

    b.resolve();
    a.resolve();
    await Promise.all(results);
  });

  it('forgets a key once its queue drains, and not before', async () => {
    const queue = new KeyedSerialQueue();
    const first = deferred();
    const second = deferred();
    const firstResult = queue.run('k', () => first.promise);
    const secondResult = queue.run('k', () => second.promise);
    expect(queue.isBusy('k')).toBe(true);

    first.resolve();
    await firstResult;
    await settle();
    expect(queue.isBusy('k')).toBe(true);

    second.reject(new Error('second failed'));
    await expect(secondResult).rejects.toThrow('second failed');
    await settle();
    expect(queue.isBusy('k')).toBe(false);
  });
});
