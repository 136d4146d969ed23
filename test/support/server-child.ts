// The whole service in a child process, for tests that kill it (SIGKILL) or read its logs.
// Configuration comes from the environment as in production; prints "LISTENING <port>" when ready.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { configOrExit, configureHttpApp } from '@pz/platform';
import { ServerModule } from '../../apps/server/src/server.module';

async function main(): Promise<void> {
  const config = configOrExit();
  const app = await NestFactory.create(ServerModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  configureHttpApp(app, config);
  await app.listen(config.port, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stderr.write(`LISTENING ${port}\n`);
}

void main();
