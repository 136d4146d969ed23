import { Global, Module } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { APP_CONFIG, AppConfig, READ_MODEL_DB } from '@pz/platform';
import { deriveSecret } from './derive-secret';
import { PeopleController } from './http/people.controller';
import { PersonalDataVault } from './personal-data-vault';

/**
 * The personal data vault for every feature. Global because any feature that records a name,
 * address or phone number must seal it, and erasure has to reach all of them through one table.
 * Keys sit in the read-model database: the same file as the events with the embedded store.
 */
@Global()
@Module({
  controllers: [PeopleController],
  providers: [
    {
      provide: PersonalDataVault,
      useFactory: (db: Database.Database, config: AppConfig) =>
        new PersonalDataVault(db, { personIdSecret: deriveSecret(config.authJwtSecret, 'person-id') }),
      inject: [READ_MODEL_DB, APP_CONFIG],
    },
  ],
  exports: [PersonalDataVault],
})
export class PeopleModule {}
