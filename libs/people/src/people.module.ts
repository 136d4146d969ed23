import { Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { APP_CONFIG, AppConfig, POSTGRES_POOL, SQLITE_CONNECTIONS, SqliteConnections } from '@pz/platform';
import { deriveSecret } from '@pz/platform/config/derived-keys';
import { PeopleController } from './http/people.controller';
import { PERSONAL_DATA_KEYS, PersonalDataKeys } from './personal-data-keys';
import { PersonalDataVault } from './personal-data-vault';
import { PgPersonalDataKeys } from './postgres/pg-personal-data-keys';
import { SqlitePersonalDataKeys } from './sqlite/sqlite-personal-data-keys';

/**
 * The personal data vault for every feature. Global because any feature that records a name,
 * address or phone number must seal it, and erasure has to reach all of them through one table.
 * Keys sit in the SQLite file on a connection that commits as durably as the events, or in
 * PostgreSQL with EVENT_STORE=postgres, so every API machine seals with the same key.
 */
@Global()
@Module({
  controllers: [PeopleController],
  providers: [
    {
      provide: PERSONAL_DATA_KEYS,
      useFactory: (sqlite: SqliteConnections, pool?: Pool | null) => (pool ? PgPersonalDataKeys.open(pool) : new SqlitePersonalDataKeys(sqlite.records)),
      // Optional: a platform without PostgreSQL (a test's stand-in) need not provide the pool.
      inject: [SQLITE_CONNECTIONS, { token: POSTGRES_POOL, optional: true }],
    },
    {
      provide: PersonalDataVault,
      useFactory: (keys: PersonalDataKeys, config: AppConfig) =>
        new PersonalDataVault(keys, { personIdSecret: deriveSecret(config.appSecret, 'person-id') }),
      inject: [PERSONAL_DATA_KEYS, APP_CONFIG],
    },
  ],
  exports: [PersonalDataVault],
})
export class PeopleModule {}
