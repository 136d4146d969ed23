import type { RecordedEvent } from '@pz/event-store';
import type { DocumentStore } from '../document-store';
import type { Projection } from '../projection';

export interface LedgerAccount {
  total: number;
  history: number[];
  /** The projection version that wrote the document: what a newer build's meaning looks like. */
  by?: number;
}

/**
 * Counts deposits per account and keeps a running total: order-sensitive on purpose, so an event
 * applied twice or skipped shows. From version 2 on, each document also says which version wrote it.
 */
export function ledger(version = 1, onApply?: (e: RecordedEvent) => void): Projection {
  return {
    name: 'ledger',
    version,
    collections: ['accounts'],
    async apply(event: RecordedEvent, docs: DocumentStore) {
      onApply?.(event);
      if (event.type !== 'Deposited') return;
      const { account, amount } = event.data as { account: string; amount: number };
      const doc = (await docs.get<LedgerAccount>('accounts', account)) ?? { total: 0, history: [] };
      const next: LedgerAccount = { total: doc.total + amount, history: [...doc.history, event.position] };
      docs.put('accounts', account, version >= 2 ? { ...next, by: version } : next);
    },
  };
}
