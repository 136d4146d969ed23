import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { READ_MODEL_STORE, ReadModelStore } from '@pz/projections';
import type { Pool } from 'pg';
import { closeSqliteConnections, POSTGRES_POOL, SQLITE_CONNECTIONS, SqliteConnections } from './open-stores';

/** Closes the stores last, after projections and workers have stopped. */
@Injectable()
export class StoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(SQLITE_CONNECTIONS) private readonly connections: SqliteConnections,
    @Inject(POSTGRES_POOL) private readonly pool: Pool | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.readModels.close();
    closeSqliteConnections(this.connections);
    // Shutdown hooks can run twice (a failed start, then close): end the pool once.
    if (this.pool && !this.pool.ended) await this.pool.end();
  }
}
