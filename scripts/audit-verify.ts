// npm run audit:verify -- <store.sqlite | postgres://... | export.ndjson> [--expect-head <position>[:<hash>]]
//
// Checks the tamper-evident hash chain offline, from a copy of the store file, a PostgreSQL
// database (the rows as stored, read by a connection of its own) or an NDJSON export (GET /audit/events with Accept: application/x-ndjson). Exit code 0 when intact, 1 when
// broken (naming the first broken position), 2 on bad usage.
import { createReadStream, openSync, readSync, closeSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { verifyPgChain } from '../libs/event-store/src/postgres/pg-chain';
import { openPgPool } from '../libs/event-store/src/postgres/pg-pool';
import { verifySqliteChain } from '../libs/event-store/src/sqlite/sqlite-chain';
import { ChainLink, parseHead, verifyGlobalChain } from '../libs/event-store/src/verify-chain';

function isSqliteFile(path: string): boolean {
  const fd = openSync(path, 'r');
  const header = Buffer.alloc(16);
  readSync(fd, header, 0, 16, 0);
  closeSync(fd);
  return header.toString('latin1') === 'SQLite format 3\u0000';
}

async function* ndjsonLinks(path: string): AsyncIterable<ChainLink> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield JSON.parse(line) as ChainLink;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'expect-head': { type: 'string' } } });
  const [file] = positionals;
  const database = /^postgres(ql)?:\/\//.test(file ?? '');
  if (!file || (!database && !existsSync(file))) {
    process.stderr.write('usage: npm run audit:verify -- <store.sqlite | postgres://... | export.ndjson> [--expect-head <position>[:<hash>]]\n');
    return 2;
  }
  const expectHead = parseHead(values['expect-head']);
  let report;
  if (database) {
    const pool = openPgPool(file, { max: 1 });
    try {
      report = await verifyPgChain(pool, { expectHead });
    } finally {
      await pool.end();
    }
  } else if (isSqliteFile(file)) {
    report = await verifySqliteChain(file, { expectHead });
  } else {
    report = await verifyGlobalChain(ndjsonLinks(file), { expectHead });
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.ok) process.stderr.write(`intact: ${report.events} events, head ${report.head.position}:${report.head.hash}\n`);
  else process.stderr.write(`BROKEN at position ${report.brokenAt}: ${report.reason}\n`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
