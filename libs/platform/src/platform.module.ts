import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { EVENT_STORE } from '@pz/event-store';
import { AuthGuard } from './auth/auth.guard';
import { MachineTokens } from './auth/machine-tokens';
import { APP_CONFIG, AppConfig, loadConfig } from './config/environment';
import { HealthChecks, HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { RedisProbe } from './health/redis-probe';
import { DomainExceptionFilter } from './http/domain-exception.filter';
import { BodyContractGuard } from './http/body-contract';
import { IdempotencyKeys } from './http/idempotency';
import { WriteRateLimit } from './http/write-rate-limit';
import { loggerOptions } from './logging/logger-options';
import { READ_MODEL_STORE, SqliteReadModelStore } from '@pz/projections';
import { IDEMPOTENCY_RECORDS } from './idempotency/idempotency-records';
import { SqliteIdempotencyRecords } from './idempotency/sqlite-idempotency-records';
import type { Pool } from 'pg';
import { PgReadModelStore } from '@pz/projections/postgres/pg-read-model-store';
import { PgIdempotencyRecords } from './idempotency/pg-idempotency-records';
import { openEventStore, openPostgresPool, openSqliteConnections, POSTGRES_POOL, SQLITE_CONNECTIONS, SqliteConnections } from './store/open-stores';
import { ReadModels } from './store/read-models.service';
import { StoreLifecycle } from './store/store-lifecycle';

/** Configuration, logging, auth, the event store and read models: shared by api and worker. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: { config?: AppConfig } = {}): DynamicModule {
    const config = options.config ?? loadConfig();
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app: config })] }),
        CqrsModule.forRoot(),
        LoggerModule.forRoot(loggerOptions(config.nodeEnv)),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useFactory: (cs: ConfigService) => cs.getOrThrow<AppConfig>('app'), inject: [ConfigService] },
        { provide: POSTGRES_POOL, useFactory: openPostgresPool, inject: [APP_CONFIG] },
        { provide: EVENT_STORE, useFactory: openEventStore, inject: [APP_CONFIG, POSTGRES_POOL] },
        { provide: SQLITE_CONNECTIONS, useFactory: openSqliteConnections, inject: [APP_CONFIG] },
        {
          provide: READ_MODEL_STORE,
          useFactory: (sqlite: SqliteConnections, pool: Pool | null) => (pool ? PgReadModelStore.open(pool) : new SqliteReadModelStore(sqlite.readModels)),
          inject: [SQLITE_CONNECTIONS, POSTGRES_POOL],
        },
        {
          provide: IDEMPOTENCY_RECORDS,
          useFactory: (sqlite: SqliteConnections, pool: Pool | null) => (pool ? PgIdempotencyRecords.open(pool) : new SqliteIdempotencyRecords(sqlite.readModels)),
          inject: [SQLITE_CONNECTIONS, POSTGRES_POOL],
        },
        {
          provide: MachineTokens,
          useFactory: (c: AppConfig) =>
            new MachineTokens({ secret: c.authJwtSecret ?? undefined, maxAge: c.authJwtMaxAge, issuer: c.authJwtIssuer, audience: c.authJwtAudience }),
          inject: [APP_CONFIG],
        },
        StoreLifecycle,
        ReadModels,
        RedisProbe,
        HealthChecks,
        HealthRegistry,
        IdempotencyKeys,
        // In this order: a caller without access learns nothing from the body contract, a caller
        // over their write rate is refused before anything is read, and a request that breaks the
        // contract is not answered from (or kept under) its key.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: WriteRateLimit },
        { provide: APP_GUARD, useClass: BodyContractGuard },
        { provide: APP_GUARD, useExisting: IdempotencyKeys },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
      ],
      exports: [APP_CONFIG, EVENT_STORE, SQLITE_CONNECTIONS, POSTGRES_POOL, READ_MODEL_STORE, IDEMPOTENCY_RECORDS, ReadModels, RedisProbe, HealthRegistry, CqrsModule, MachineTokens],
    };
  }
}
