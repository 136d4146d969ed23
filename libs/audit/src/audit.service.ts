import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { ChainAnchors, EVENT_STORE, EventStore, furthestSeen, RecordedEvent, VerifyReport } from '@pz/event-store';
import { ReadModels } from '@pz/platform';
import { MemoryDocuments, replayIntoScratch } from '@pz/projections';
import { applicationsProjection, ApplicationDoc, APPLICATIONS } from '@pz/applications';

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
    const docs = new MemoryDocuments();
    for (const e of history) if (e.recordedAt <= at) await applicationsProjection.apply(e, docs);
    return docs.peek<ApplicationDoc>(APPLICATIONS, applicationId);
  }

  /**
   * What a panel member had in front of them each time they scored: the application and scores
   * as they stood just before that scoring event. One pass over the stream, however many times
   * they scored.
   */
  async scoringViews(applicationId: string, member: string) {
    const history = await this.store.readStream(`application-${applicationId}`);
    const docs = new MemoryDocuments();
    const views = [];
    for (const e of history) {
      if (e.type === 'ApplicationScored' && (e.data as { member: string }).member === member) {
        const before = docs.peek<ApplicationDoc>(APPLICATIONS, applicationId);
        views.push({ scoredAt: e.recordedAt, position: e.position, scoresGiven: e.data, application: before && structuredClone(before) });
      }
      await applicationsProjection.apply(e, docs);
    }
    return views;
  }

  /**
   * Rebuilds every read model from the log in memory and compares it, document by document, with
   * the live one at the same positions (read as of one moment). Documents are compared as
   * canonical JSON, so a store that keeps keys in another order does not count as a difference.
   *
   * One replay runs at a time in a process: it reads the whole log, and callers asking while it
   * runs get its answer rather than starting another.
   */
  replay(): Promise<ReplayReport> {
    if (!this.replaying) {
      const running = this.replayNow();
      this.replaying = running;
      const done = () => {
        if (this.replaying === running) this.replaying = null;
      };
      running.then(done, done);
    }
    return this.replaying;
  }

  private replaying: Promise<ReplayReport> | null = null;

  private async replayNow(maxDifferences = 50): Promise<ReplayReport> {
    const started = Date.now();
    const projections = this.readModels.all;
    const collections = projections.flatMap((p) => p.collections);
    const live = await this.readModels.readModelStore.snapshot(collections);
    const limits = new Map([...live.checkpoints].map(([name, c]) => [name, c.position]));
    const until = Math.max(0, ...limits.values());
    const scratch = await replayIntoScratch(this.store, projections, until, 5000, limits);
    const replayed = scratch.documents.snapshot(collections);

    const differences: ReplayReport['differences'] = [];
    let differenceCount = 0;
    for (const key of new Set([...live.documents.keys(), ...replayed.keys()])) {
      const a = live.documents.get(key);
      const b = replayed.get(key);
      if (canonicalize(a) === canonicalize(b)) continue;
      differenceCount += 1;
      if (differences.length < maxDifferences) differences.push({ document: key, live: a ?? null, replayed: b ?? null });
    }
    return { events: scratch.events, durationMs: Date.now() - started, consistent: differenceCount === 0, differences, differenceCount };
  }

  /** The chain, held against a head recorded earlier and against how far the read models have already read. */
  async verify(expectHead?: { position: number; hash?: string }): Promise<VerifyReport> {
    const anchors: ChainAnchors = { expectHead };
    for (const [name, checkpoint] of await this.readModels.readModelStore.checkpoints()) {
      anchors.seenUpTo = furthestSeen(anchors.seenUpTo, { position: checkpoint.position, by: `the ${name} read model` });
    }
    return this.store.verifyChain(anchors);
  }
}
