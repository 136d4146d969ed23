import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigError, loadConfig } from './config/environment';

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
