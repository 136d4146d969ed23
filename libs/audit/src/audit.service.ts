import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { EVENT_STORE, EventStore, RecordedEvent } from '@pz/event-store';
import { READ_MODEL_DB, ReadModels } from '@pz/platform';
import { replayIntoScratch, snapshotDocuments, SqliteDocuments, BatchDocuments } from '@pz/projections';
import { applicationsProjection, ApplicationDoc, APPLICATIONS } from '@pz/applications';
import { highestSeenPosition, sqliteLinks } from './verify/sqlite-links';
import { ChainLink, verifyGlobalChain, verifyStreamChains, VerifyReport } from './verify/verify-chain';

export interface ReplayReport {
  events: number;
  durationMs: number;
  consistent: boolean;
  differences: { document: string; live: unknown; replayed: unknown }[];
  differenceCount: number;
}

/** Reading the log for auditors: history, point-in-time state, replay and chain verification. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: Database.Database,
    private readonly readModels: ReadModels,
  ) {}

  /** Pages through the global log; memory stays flat however long it is. */
  async *events(after = 0, pageSize = 1000): AsyncIterable<RecordedEvent> {
    let position = after;
    for (;;) {
      const page = await this.store.readAll({ after: position, maxCount: pageSize });
      if (page.length === 0) return;
      yield* page;
      position = page[page.length - 1].position;
    }
  }

  /** The application as the log stood at `at`: its events recorded up to then, folded afresh. */
  async applicationAt(applicationId: string, at: string): Promise<ApplicationDoc | undefined> {
    const history = await this.store.readStream(`application-${applicationId}`);
    return this.fold(history.filter((e) => e.recordedAt <= at));
  }

  /**
   * What a panel member had in front of them each time they scored: the application and scores
   * as they stood just before that scoring event.
   */
  async scoringViews(applicationId: string, member: string) {
    const history = await this.store.readStream(`application-${applicationId}`);
    return history
      .filter((e) => e.type === 'ApplicationScored' && (e.data as { member: string }).member === member)
      .map((scoring) => {
        const before = this.fold(history.filter((e) => e.revision < scoring.revision));
        return { scoredAt: scoring.recordedAt, position: scoring.position, scoresGiven: scoring.data, application: before };
      });
  }

  private fold(events: RecordedEvent[]): ApplicationDoc | undefined {
    if (events.length === 0) return undefined;
    const scratch = new SqliteDocuments(this.memoryDb());
    const docs = new BatchDocuments(scratch);
    for (const e of events) applicationsProjection.apply(e, docs);
    return docs.get<ApplicationDoc>(APPLICATIONS, (events[0].data as { applicationId: string }).applicationId);
  }

  private memoryDb(): Database.Database {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sqlite = require('better-sqlite3') as typeof Database;
    return new Sqlite(':memory:');
  }

  /**
   * Rebuilds every read model from the log in a scratch database and compares it, document by
   * document, with the live one at the same positions (read in one snapshot of the live file).
   */
  async replay(maxDifferences = 50): Promise<ReplayReport> {
    const started = Date.now();
    const projections = this.readModels.all;
    const collections = projections.flatMap((p) => p.collections);
    const { live, limits } = this.db.transaction(() => {
      const rows = this.db.prepare('SELECT projection, position FROM rm_checkpoints').all() as { projection: string; position: number }[];
      return { live: snapshotDocuments(this.db, collections), limits: new Map(rows.map((r) => [r.projection, r.position])) };
    })();
    const until = Math.max(0, ...limits.values());
    const scratch = await replayIntoScratch(this.store, projections, until, 5000, limits);
    const replayed = snapshotDocuments(scratch.db, collections);
    scratch.db.close();

    const differences: ReplayReport['differences'] = [];
    let differenceCount = 0;
    for (const key of new Set([...live.keys(), ...replayed.keys()])) {
      const a = live.get(key);
      const b = replayed.get(key);
      if (a === b) continue;
      differenceCount += 1;
      if (differences.length < maxDifferences) {
        differences.push({ document: key, live: a === undefined ? null : JSON.parse(a), replayed: b === undefined ? null : JSON.parse(b) });
      }
    }
    return { events: scratch.events, durationMs: Date.now() - started, consistent: differenceCount === 0, differences, differenceCount };
  }

  async verify(expectHead?: { position: number; hash?: string }): Promise<VerifyReport> {
    if (this.store.kind === 'sqlite') {
      // Reads the rows as stored, not through the adapter, so nothing can smooth over an edit.
      return verifyGlobalChain(sqliteLinks(this.db), { expectHead, seenUpTo: highestSeenPosition(this.db) });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { esdbHashInput } = require('@pz/event-store/esdb/esdb-mapping');
    return verifyStreamChains(this.asLinks(), esdbHashInput);
  }

  private async *asLinks(): AsyncIterable<ChainLink> {
    yield* this.events();
  }
}
