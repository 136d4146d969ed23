// One role of the service (api or worker) in a child process, configured from the environment as
// in production: for tests that run several processes on one database. Prints "READY <port>".
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { configOrExit, createHttpApp, startWorker } from '@pz/platform';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

async function main(): Promise<void> {
  if (process.argv[2] === 'worker') {
    await startWorker((config) => WorkerModule.forRoot(config));
    process.stderr.write('READY 0\n');
    return;
  }
  const config = configOrExit();
  const app = await createHttpApp(ApiModule.forRoot(config), config);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  process.stderr.write(`READY ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

void main();
