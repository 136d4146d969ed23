import type { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigError, loadConfig } from './config/environment';
import { configureHttpApp } from './http/configure-http-app';

/** Reads the environment or stops the process with every configuration problem named. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

export async function startHttpServer(
  module: (config: AppConfig) => DynamicModule,
  name: string,
): Promise<INestApplication> {
  const config = configOrExit();
  const app = await NestFactory.create(module(config), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, config);
  await app.listen(config.port);
  app.get(Logger).log(
    `${name} listening on ${config.port} (event store: ${config.eventStore}, public URL ${config.publicUrl})`,
  );
  return app;
}

export async function startWorker(
  module: (config: AppConfig) => DynamicModule,
): Promise<INestApplicationContext> {
  const config = configOrExit();
  const app = await NestFactory.createApplicationContext(module(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log(`worker started (event store: ${config.eventStore})`);
  return app;
}
