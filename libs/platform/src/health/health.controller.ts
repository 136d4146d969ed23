import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { Public } from '../auth/roles.decorator';
import { ReadModels } from '../store/read-models.service';
import { HealthRegistry } from './health-registry';
import { RedisProbe } from './redis-probe';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly redis: RedisProbe,
    private readonly readModels: ReadModels,
    private readonly registry: HealthRegistry,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness of the event store and Redis, and how far read models lag (public)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, redis] = await Promise.all([
      this.store.ping().then(() => 'ok' as const, () => 'error' as const),
      this.redis.ping().then((ok) => (ok ? ('ok' as const) : ('error' as const))),
    ]);
    const projections = await this.readModels.status().catch(() => []);
    const components = await this.registry.report();
    const componentsOk = Object.values(components).every((c) => c.ok);
    const status = eventStore === 'ok' && redis === 'ok' && componentsOk ? 'ok' : 'error';
    if (status !== 'ok') void reply.code(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status,
      checks: { eventStore, redis },
      eventStore: this.store.kind,
      projections,
      ...components,
    };
  }
}
