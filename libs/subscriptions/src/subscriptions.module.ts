import { Module, OnModuleInit } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { PeopleModule } from '@pz/people';
import { ReadModels } from '@pz/platform';
import { ZonesModule } from '@pz/rounds';
import { SUBSCRIBE_LIMIT, SubscriptionsController } from './http/subscriptions.controller';
import { SubscribeToRoundAlertsHandler } from './subscribe.handler';
import { subscriptionsProjection } from './subscriptions.projection';
import { SubscriptionsQueries } from './subscriptions.queries';
import { UnsubscribeFromRoundAlertsHandler } from './unsubscribe.handler';
import { UnsubscribeLinks } from './unsubscribe-links';

/**
 * Round-alert subscriptions. Imports PeopleModule itself so the worker can import this module
 * alone for the alert sender. The throttler's storage is in memory, per process.
 */
@Module({
  imports: [PeopleModule, ZonesModule, ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ...SUBSCRIBE_LIMIT }] })],
  controllers: [SubscriptionsController],
  providers: [SubscribeToRoundAlertsHandler, UnsubscribeFromRoundAlertsHandler, SubscriptionsQueries, UnsubscribeLinks],
  exports: [SubscriptionsQueries, UnsubscribeLinks],
})
export class SubscriptionsModule implements OnModuleInit {
  constructor(private readonly readModels: ReadModels) {}

  onModuleInit(): void {
    this.readModels.register(subscriptionsProjection);
  }
}
