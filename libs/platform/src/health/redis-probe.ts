import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/environment';

/** A dedicated, non-queuing connection so /health answers fast when Redis is down. */
@Injectable()
export class RedisProbe implements OnApplicationShutdown {
  private client: Redis | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async ping(timeoutMs = 1000): Promise<boolean> {
    this.client ??= new Redis(this.config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      retryStrategy: () => 1000,
    });
    const client = this.client;
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (client.status === 'wait') await client.connect();
      const reply = await Promise.race([
        client.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
      return reply === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
