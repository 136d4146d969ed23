import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { StoreUnavailableError } from '../event-store';
import { eventStoreContract, newEvent } from '../testing/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';
import { expectValidStreamChain } from './testing/expect-valid-stream-chain';

// The adapter over a real connection. Its logic against an in-memory stand-in client is unit-tested
// in esdb-event-store.spec.ts.

const connectionString = process.env.ESDB_CONNECTION_STRING;

// ---------------------------------------------------------------------------------------------
// Against a live server: the only tests that say anything about EventStoreDB itself.
// ---------------------------------------------------------------------------------------------

if (connectionString) {
  eventStoreContract('EventStoreDB', async () => {
    let store = new EsdbEventStore(connectionString, { pollIntervalMs: 50 });
    return {
      store,
      async reopen() {
        await store.close();
        store = new EsdbEventStore(connectionString, { pollIntervalMs: 50 });
        return store;
      },
      dispose: () => store.close(),
    };
  });

  describe('EventStoreDB specifics (live server)', () => {
    let store: EsdbEventStore;
    beforeEach(() => {
      store = new EsdbEventStore(connectionString);
    });
    afterEach(() => store.close());

    it('returns the position of the last event of a multi-event append, as reads report it', async () => {
      const s = `esdb-live-${randomUUID()}`;
      const result = await store.append(s, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
      const stored = await store.readStream(s);
      expect(stored.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(result.position).toBe(stored[2].position);
      expect(new Set(stored.map((e) => e.position)).size).toBe(3);
      const [next] = await store.readAll({ after: stored[1].position, maxCount: 1 });
      expect(next.id).toBe(stored[2].id);
    });

    it('chains each stream and gives back exactly the metadata that was appended', async () => {
      const s = `esdb-live-chain-${randomUUID()}`;
      const events = [newEvent('A'), newEvent('B')];
      await store.append(s, events, 'no_stream');
      await store.append(s, [newEvent('C')], 'any');
      expectValidStreamChain(await store.readStream(s));
      expect((await store.readStream(s))[0].metadata).toEqual(events[0].metadata);
    });
  });
} else {
  describe.skip(
    'EventStore contract: EventStoreDB — skipped: ESDB_CONNECTION_STRING is not set (no EventStoreDB server on this machine)',
    () => {
      it('runs the shared contract suite against a live server', () => undefined);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Against a port where nothing listens.
// ---------------------------------------------------------------------------------------------

describe('EventStoreDB connection trouble', () => {
  it('reports a server that refuses connections as unavailable', async () => {
    const port = await freeLoopbackPort();
    const store = new EsdbEventStore(`esdb://127.0.0.1:${port}?tls=false`);
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.append('s', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
