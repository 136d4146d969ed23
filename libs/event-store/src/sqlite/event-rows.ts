import type Database from 'better-sqlite3';

/** The columns of the events table, in the order an EventRow holds them. */
export const COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash';

/** One row of the events table as stored, read raw (an array in COLUMNS order). */
export type EventRow = [
  position: number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

/**
 * Every row of the events table exactly as stored, in position order, one at a time (memory
 * stays flat). It takes any handle on the file: audit verification opens its own (read-only) and
 * reads the rows this way rather than through the adapter, so nothing can smooth over an edit.
 */
export function iterateEventRows(db: Database.Database): IterableIterator<EventRow> {
  return db.prepare(`SELECT ${COLUMNS} FROM events ORDER BY position`).raw().iterate() as IterableIterator<EventRow>;
}

/**
 * A row's fields under their event names, with `parse` reading the data and metadata columns:
 * JSON.parse for the adapter; audit verification passes one that keeps unparseable text.
 */
export function fromEventRow<P>(row: EventRow, parse: (text: string) => P) {
  return {
    id: row[1],
    streamId: row[2],
    revision: row[3],
    position: row[0],
    type: row[4],
    data: parse(row[5]),
    metadata: parse(row[6]),
    recordedAt: row[7],
    prevHash: row[8],
    hash: row[9],
  };
}

