/**
 * Runs work for one key one after another in this process, in call order; work for different
 * keys runs concurrently. A failure does not stop the queue: the next work for the key still runs.
 * Keys are forgotten as soon as their queue drains, so the map holds only busy keys.
 */
export class KeyedSerialQueue {
  /** Per busy key, a promise that settles (never rejects) when its last queued work has. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      // Only the last work queued for the key may forget it; later work has replaced the tail.
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }

  /** Whether work for this key is running or waiting. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }
}
