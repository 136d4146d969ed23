import { Module, OnModuleInit } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { PeopleModule } from '@pz/people';
import { ReadModels } from '@pz/platform';
import { ZonesModule } from '@pz/rounds';
import { SUBSCRIBE_LIMIT, SubscriptionsController } from './http/subscriptions.controller';
import { SUBSCRIPTION_HANDLERS } from './subscription-commands';
import { SubscriptionLinks } from './subscription-links';
import { subscriptionsProjection } from './subscriptions.projection';
import { SubscriptionsQueries } from './subscriptions.queries';

/**
 * Round-alert subscriptions. Imports PeopleModule itself so the worker can import this module
 * alone for the alert sender. The throttler's storage is in memory, per process.
 */
@Module({
  imports: [PeopleModule, ZonesModule, ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ...SUBSCRIBE_LIMIT }] })],
  controllers: [SubscriptionsController],
  providers: [...SUBSCRIPTION_HANDLERS, SubscriptionsQueries, SubscriptionLinks],
  exports: [SubscriptionsQueries, SubscriptionLinks],
})
export class SubscriptionsModule implements OnModuleInit {
  constructor(private readonly readModels: ReadModels) {}

  onModuleInit(): void {
    this.readModels.register(subscriptionsProjection);
  }
}
