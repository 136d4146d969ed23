export * from './event-store';
export * from './hash-chain';
export * from './follow-log';
export * from './verify-chain';
export * from './keyed-serial-queue';
export * from './sqlite/sqlite-event-store';
export type { EsdbEventStoreOptions, EsdbClient } from './esdb/esdb-event-store';
