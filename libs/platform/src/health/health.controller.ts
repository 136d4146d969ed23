import { Controller, Get, HttpStatus, Inject, Injectable, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { Public, Roles } from '../auth/roles.decorator';
import { ReadModels } from '../store/read-models.service';
import { HealthRegistry } from './health-registry';
import { RedisProbe } from './redis-probe';

type Check = 'ok' | 'error';

/**
 * What the service can do right now. The event store is the system of record: without it
 * nothing can be served (error, 503). Redis carries background work only: without it the API
 * still answers and the work waits (degraded, 200).
 */
@Injectable()
export class HealthChecks {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly redis: RedisProbe,
  ) {}

  async now(): Promise<{ status: 'ok' | 'degraded' | 'error'; checks: { eventStore: Check; redis: Check } }> {
    const [eventStore, redis] = await Promise.all([
      this.store.ping().then((): Check => 'ok', (): Check => 'error'),
      this.redis.ping().then((ok): Check => (ok ? 'ok' : 'error')),
    ]);
    const status = eventStore === 'error' ? 'error' : redis === 'error' ? 'degraded' : 'ok';
    return { status, checks: { eventStore, redis } };
  }
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly checks: HealthChecks,
    private readonly readModels: ReadModels,
    private readonly registry: HealthRegistry,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Whether the service can serve: ok, degraded (Redis down: jobs wait) or error (503: the event store is down) (public)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const health = await this.checks.now();
    if (health.status === 'error') void reply.code(HttpStatus.SERVICE_UNAVAILABLE);
    return health;
  }

  /** For the operator on call: the same, with how far each read model and the worker lag and why. */
  @Get('operations/health')
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Health with projection lag, the worker planner, queue counts and recent errors (staff)' })
  async details(@Res({ passthrough: true }) reply: FastifyReply) {
    const health = await this.checks.now();
    const projections = await this.readModels.status().catch(() => []);
    const components = await this.registry.report();
    if (health.status === 'error') void reply.code(HttpStatus.SERVICE_UNAVAILABLE);
    return { ...health, eventStore: this.store.kind, projections, ...components };
  }
}
