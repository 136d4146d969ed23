// A projection runner in a process of its own, on a store file another process also uses: what a
// second API process is during a rolling deploy. argv: <store file> <ledger version>.
// Prints "CAUGHT-UP <position>" each time it reaches the log's head; runs until killed.
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@pz/event-store';
import { ProjectionRunner } from '../projection-runner';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { ledger } from './ledger-projection';

async function main(): Promise<void> {
  const [path, version] = process.argv.slice(2);
  const store = new SqliteEventStore({ path, pollIntervalMs: 10 });
  const runner = new ProjectionRunner(store, new SqliteReadModelStore(new Database(path)), [ledger(Number(version))], { batchSize: 97 });
  await runner.start();
  let reported = -1;
  setInterval(() => {
    void store.headPosition().then((head) => {
      if (runner.position >= head && head !== reported) {
        reported = head;
        process.stdout.write(`CAUGHT-UP ${head}\n`);
      }
    });
  }, 20);
}

void main();
