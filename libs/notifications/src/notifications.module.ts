import { Module, OnModuleInit } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { PeopleModule } from '@pz/people';
import { HealthRegistry } from '@pz/platform';
import { RoundsModule } from '@pz/rounds';
import { SubscriptionsModule } from '@pz/subscriptions';
import { OperationsController } from './http/operations.controller';
import { ErasureCleanup } from './jobs/erasure-cleanup';
import { FailedWork } from './jobs/failed-work';
import { JobHandlers } from './jobs/job-handlers';
import { JobPlanner } from './jobs/job-planner';
import { WorkQueue } from './jobs/work-queue';
import { WorkRunner } from './jobs/work-runner';
import { NotificationsMailModule } from './mail/notifications-mail.module';

/** The API side: staff can see and retry failed background work. */
@Module({
  controllers: [OperationsController],
  providers: [WorkQueue, FailedWork],
  exports: [FailedWork],
})
export class OperationsModule {}

/**
 * The worker: plans jobs from the event log, runs them, sends mail. Imports the read models it
 * needs, so a worker process stands on its own.
 */
@Module({
  imports: [RoundsModule, ApplicationsModule, SubscriptionsModule, PeopleModule, NotificationsMailModule],
  providers: [WorkQueue, JobPlanner, JobHandlers, ErasureCleanup, WorkRunner],
  exports: [WorkRunner, JobPlanner],
})
export class NotificationsWorkerModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly runner: WorkRunner,
    private readonly planner: JobPlanner,
    private readonly work: WorkQueue,
  ) {}

  onModuleInit(): void {
    this.health.register('worker', async () => {
      const planner = await this.planner.status();
      const counts = await this.work.counts().catch(() => null);
      return { ok: this.runner.running && planner.lastError === null, running: this.runner.running, planner, queue: counts };
    });
  }
}
