// The whole service in a child process, for tests that kill it (SIGKILL) or read its logs.
// Configuration comes from the environment as in production; prints "LISTENING <port>" when ready.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { configOrExit, createHttpApp } from '@pz/platform';
import { ServerModule } from '../../apps/server/src/server.module';

async function main(): Promise<void> {
  const config = configOrExit();
  const app = await createHttpApp(ServerModule.forRoot(config), config);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stderr.write(`LISTENING ${port}\n`);
}

void main();
