import type { RecordedEvent } from '../../event-store';
import { chainHash, GENESIS_HASH } from '../../hash-chain';
import { esdbHashInput } from '../esdb-mapping';

/** One stream's events, in revision order, link up as the EventStoreDB adapter chains them. */
export function expectValidStreamChain(events: RecordedEvent[]): void {
  let prev = GENESIS_HASH;
  for (const event of events) {
    expect(event.prevHash).toBe(prev);
    expect(event.hash).toBe(chainHash(prev, esdbHashInput(event)));
    prev = event.hash;
  }
}
