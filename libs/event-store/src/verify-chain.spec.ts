import { chainHash, GENESIS_HASH } from './hash-chain';
import { ChainLink, parseHead, verifyGlobalChain, verifyStreamChains } from './verify-chain';

function chain(n: number): ChainLink[] {
  const links: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = { id: `e${i}`, streamId: `s${i % 2}`, revision: Math.floor((i - 1) / 2), position: i, type: 'T', data: { i }, metadata: { m: 1 }, recordedAt: '2026-01-01T00:00:00.000Z' };
    const hash = chainHash(prev, fields);
    links.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return links;
}

describe('verifyGlobalChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const links = chain(5);
    expect(await verifyGlobalChain(links)).toEqual({ ok: true, events: 5, head: { position: 5, hash: links[4].hash } });
    expect(await verifyGlobalChain([])).toEqual({ ok: true, events: 0, head: { position: 0, hash: GENESIS_HASH } });
  });

  it('names an edited event', async () => {
    const links = chain(5);
    links[2] = { ...links[2], data: { i: 99 } };
    expect(await verifyGlobalChain(links)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/altered/) });
  });

  it('names a deleted event, even when the next one was re-linked by hand', async () => {
    const links = chain(5);
    expect(await verifyGlobalChain([...links.slice(0, 2), ...links.slice(3)])).toMatchObject({ ok: false, brokenAt: 3 });
    const relinked = { ...links[3], position: 3, prevHash: links[1].hash };
    expect(await verifyGlobalChain([links[0], links[1], relinked])).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/altered/) });
  });

  it('names a rewritten hash that no longer links', async () => {
    const links = chain(4);
    links[1] = { ...links[1], hash: 'f'.repeat(64) };
    expect(await verifyGlobalChain(links)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('catches a truncated tail against a recorded head or a checkpoint, and a swapped head hash', async () => {
    const links = chain(5);
    expect(await verifyGlobalChain(links.slice(0, 3), { expectHead: { position: 5 } })).toMatchObject({ ok: false, brokenAt: 4 });
    expect(await verifyGlobalChain(links.slice(0, 3), { seenUpTo: { position: 4, by: 'the rounds read model' } })).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: expect.stringMatching(/rounds read model/),
    });
    expect(await verifyGlobalChain(links, { expectHead: { position: 5, hash: 'a'.repeat(64) } })).toMatchObject({ ok: false, brokenAt: 5 });
    expect(await verifyGlobalChain(links, { expectHead: { position: 5, hash: links[4].hash } })).toMatchObject({ ok: true });
  });
});

describe('verifyStreamChains', () => {
  const input = (l: ChainLink) => ({ ...l, position: 0, recordedAt: '' });
  function streamLinks(): ChainLink[] {
    const last: Record<string, string> = {};
    return [
      ['a', 0],
      ['b', 0],
      ['a', 1],
    ].map(([stream, revision], i) => {
      const prevHash = last[stream as string] ?? GENESIS_HASH;
      const fields = { id: `e${i}`, streamId: stream as string, revision: revision as number, position: 100 * (i + 1), type: 'T', data: { i }, metadata: {}, recordedAt: 'later' };
      const hash = chainHash(prevHash, input({ ...fields, hash: '', prevHash }));
      last[stream as string] = hash;
      return { ...fields, prevHash, hash };
    });
  }

  it('accepts per-stream chains with gaps in global positions', async () => {
    expect(await verifyStreamChains(streamLinks(), input)).toMatchObject({ ok: true, events: 3 });
  });

  it('names an altered event and a missing revision', async () => {
    const links = streamLinks();
    expect(await verifyStreamChains([links[0], links[1], { ...links[2], data: { i: 7 } }], input)).toMatchObject({ ok: false, brokenAt: 300 });
    expect(await verifyStreamChains([links[1], links[2]], input)).toMatchObject({ ok: false, brokenAt: 300, reason: expect.stringMatching(/revision 0 is missing/) });
  });
});

describe('parseHead', () => {
  it('reads a position with or without its hash and refuses anything else', () => {
    expect(parseHead('12')).toEqual({ position: 12, hash: undefined });
    expect(parseHead(`12:${'a'.repeat(64)}`)).toEqual({ position: 12, hash: 'a'.repeat(64) });
    expect(parseHead(undefined)).toBeUndefined();
    expect(() => parseHead('twelve')).toThrow();
  });
});
