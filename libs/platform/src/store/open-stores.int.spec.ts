import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/environment';
import { closeSqliteConnections, openSqliteConnections } from './open-stores';

describe('the SQLite connections beside the events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pz-conn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('commits personal-data keys with an fsync each (FULL), as the events; read models need not (NORMAL)', () => {
    const connections = openSqliteConnections({ sqlitePath: join(dir, 'nested', 'store.sqlite') } as AppConfig);
    try {
      // 2 = FULL, 1 = NORMAL: synchronous is per connection, so ask each one.
      expect(connections.records.pragma('synchronous', { simple: true })).toBe(2);
      expect(connections.readModels.pragma('synchronous', { simple: true })).toBe(1);
      expect(connections.records.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      closeSqliteConnections(connections);
    }
    expect(connections.records.open).toBe(false);
  });
});
