import { DynamicModule, Module } from '@nestjs/common';
import { IdentityModule } from '@pz/identity';
import { NotificationsWorkerModule } from '@pz/notifications';
import { AppConfig, PlatformModule } from '@pz/platform';

/**
 * Background work driven from the event log (BullMQ processors, email). It keeps its own
 * read models up to date so scheduled work can be re-derived from them.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.forRoot({ config }), ...WORKER_FEATURES] };
  }
}

export const WORKER_FEATURES: NonNullable<DynamicModule['imports']> = [IdentityModule, NotificationsWorkerModule];
