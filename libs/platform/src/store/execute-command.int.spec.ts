import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, ReadStreamOptions } from '@pz/event-store';
import { SqliteEventStore } from '@pz/event-store';
import type { CommandContext } from '../domain/command-context';
import type { Decider, DomainEvent } from '../domain/decider';
import { executeCommand, loadAggregate } from './execute-command';

type Added = DomainEvent<'Added', { n: number }>;
/** The totals each decision was made on. */
const decidedOn: number[] = [];
/** A running total; the command says what total it expects to add to, so a stale fold is visible. */
const tally: Decider<{ n: number; expectTotal?: number }, { total: number; count: number }, Added> = {
  initialState: () => ({ total: 0, count: 0 }),
  decide: (command, state) => {
    decidedOn.push(state.total);
    if (command.expectTotal !== undefined && command.expectTotal !== state.total) {
      throw new Error(`decided on a total of ${state.total}, expected ${command.expectTotal}`);
    }
    return [{ type: 'Added', data: { n: command.n } }];
  },
  evolve: (state, event) => ({ total: state.total + event.data.n, count: state.count + 1 }),
  eventTypes: new Set(['Added']),
};
/** Folds the same stream differently. */
const counter: Pick<Decider<unknown, number, Added>, 'initialState' | 'evolve' | 'eventTypes'> = {
  initialState: () => 0,
  evolve: (count) => count + 1,
  eventTypes: new Set(['Added']),
};

const context = (): CommandContext => ({
  actor: { sub: 'tester', role: 'staff' },
  now: '2026-11-22T12:00:00.000Z',
  correlationId: 'folded-states-test',
});

/** The real store, with every stream read's size written down. */
function counting(store: EventStore): { store: EventStore; reads: number[] } {
  const reads: number[] = [];
  const readStreamData = store.readStreamData.bind(store);
  const wrapped = Object.create(store) as EventStore;
  wrapped.readStreamData = async (streamId: string, options?: ReadStreamOptions) => {
    const events = await readStreamData(streamId, options);
    reads.push(events.length);
    return events;
  };
  return { store: wrapped, reads };
}

describe('executeCommand and loadAggregate keep each stream folded', () => {
  let dir: string;
  let path: string;
  let stores: SqliteEventStore[];
  const open = () => {
    const store = new SqliteEventStore({ path, pollIntervalMs: 50 });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pz-folded-'));
    path = join(dir, 'store.sqlite');
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads only the events appended since the stream was last folded', async () => {
    const { store, reads } = counting(open());
    for (let i = 1; i <= 5; i++) await executeCommand(store, 'tally-1', tally, { n: i }, context());
    const loaded = await loadAggregate(store, 'tally-1', tally);
    expect(loaded.state).toEqual({ total: 15, count: 5 });
    expect(loaded.revision).toBe(4);
    // The first command read the (empty) stream; every later read found nothing new beyond the
    // last event it had folded (read again to check it is still the same event).
    expect(reads).toEqual([0, 1, 1, 1, 1, 1]);
  });

  it('folds in what another process appended meanwhile', async () => {
    const here = open();
    const elsewhere = open();
    await executeCommand(here, 'tally-2', tally, { n: 1 }, context());
    await executeCommand(elsewhere, 'tally-2', tally, { n: 10, expectTotal: 1 }, context());
    const outcome = await executeCommand(here, 'tally-2', tally, { n: 100, expectTotal: 11 }, context());
    expect(outcome.state).toEqual({ total: 111, count: 3 });
    expect(outcome.revision).toBe(2);
  });

  it('keeps one fold per decider: another way of folding the stream starts from its first event', async () => {
    const store = open();
    for (let i = 0; i < 3; i++) await executeCommand(store, 'tally-3', tally, { n: 2 }, context());
    expect((await loadAggregate(store, 'tally-3', counter)).state).toBe(3);
    expect((await loadAggregate(store, 'tally-3', tally)).state).toEqual({ total: 6, count: 3 });
  });

  /** Three commands of 1 folded by `store`, then the file "restored" to the stream's first event. */
  async function foldThreeThenRestoreToOne(store: EventStore, streamId: string): Promise<void> {
    for (let i = 0; i < 3; i++) await executeCommand(store, streamId, tally, { n: 1 }, context());
    const raw = new Database(path);
    raw.prepare('DELETE FROM events WHERE stream_id = ? AND revision > 0').run(streamId);
    raw.close();
  }

  it('re-reads the whole stream when its fold is ahead of the store (a file restored from a backup)', async () => {
    const store = open();
    await foldThreeThenRestoreToOne(store, 'tally-4');
    decidedOn.length = 0;
    const outcome = await executeCommand(store, 'tally-4', tally, { n: 1 }, context());
    // The last event it had folded is gone: decided on the truth (1), never on the stale fold (3).
    expect(decidedOn).toEqual([1]);
    expect(outcome.state).toEqual({ total: 2, count: 2 });
    expect(outcome.revision).toBe(1);
  });

  it('re-reads the whole stream when the restored stream has been appended to again since', async () => {
    const here = open();
    await foldThreeThenRestoreToOne(here, 'tally-5');
    // Another process appends elsewhere, then to the restored stream up to the revision this
    // one had folded.
    const elsewhere = open();
    await executeCommand(elsewhere, 'tally-other', tally, { n: 1 }, context());
    await executeCommand(elsewhere, 'tally-5', tally, { n: 10, expectTotal: 1 }, context());
    await executeCommand(elsewhere, 'tally-5', tally, { n: 10, expectTotal: 11 }, context());
    decidedOn.length = 0;
    const outcome = await executeCommand(here, 'tally-5', tally, { n: 100, expectTotal: 21 }, context());
    // Same revision as its fold (2), different events: it must not build on what it held (3).
    expect(decidedOn).toEqual([21]);
    expect(outcome.state).toEqual({ total: 121, count: 4 });
  });
});
