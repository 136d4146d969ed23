import type { Pool } from 'pg';
import { ChainAnchors, ChainLink, furthestSeen, verifyGlobalChain, VerifyReport } from '../verify-chain';

const PAGE = 2000;

/**
 * Verifies the chain over the events table exactly as stored (text columns, nothing parsed
 * away), a page at a time so memory stays flat, held against the positions checkpoints have
 * already reached.
 */
export async function verifyPgChain(pool: Pool, anchors: ChainAnchors = {}): Promise<VerifyReport> {
  return verifyGlobalChain(pgLinks(pool), { ...anchors, seenUpTo: furthestSeen(anchors.seenUpTo, await highestSeenPosition(pool)) });
}

export async function* pgLinks(pool: Pool): AsyncIterableIterator<ChainLink> {
  let after = 0;
  for (;;) {
    const { rows } = await pool.query<[number, string, string, number, string, string, string, string, string, string]>({
      text: `SELECT position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash
             FROM events WHERE position > $1 ORDER BY position LIMIT ${PAGE}`,
      values: [after],
      rowMode: 'array',
    });
    for (const r of rows) {
      yield { position: Number(r[0]), id: r[1], streamId: r[2], revision: Number(r[3]), type: r[4], data: safeParse(r[5]), metadata: safeParse(r[6]), recordedAt: r[7], prevHash: r[8], hash: r[9] };
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1][0]);
  }
}

/** The highest position a processor's or a read model's checkpoint has reached. */
async function highestSeenPosition(pool: Pool): Promise<{ position: number; by: string } | undefined> {
  const { rows } = await pool.query<{ position: string | number; by: string }>(`
    SELECT position, 'the ' || name || ' processor' AS by FROM checkpoints
    UNION ALL
    SELECT position, 'the ' || projection || ' read model' FROM rm_checkpoints
    ORDER BY 1 DESC LIMIT 1`).catch(async (error: { code?: string }) => {
    // rm_checkpoints only exists once the read models live here too.
    if (error.code !== '42P01') throw error;
    return pool.query<{ position: string | number; by: string }>(`SELECT position, 'the ' || name || ' processor' AS by FROM checkpoints ORDER BY 1 DESC LIMIT 1`);
  });
  return rows[0] && { position: Number(rows[0].position), by: rows[0].by };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparseable: text };
  }
}
