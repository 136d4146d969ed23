import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { WEB_SHELL } from '@pz/platform';
import { RoundsModule, ZonesModule } from '@pz/rounds';
import { SubscriptionsModule } from '@pz/subscriptions';
import { PUBLIC_PAGES } from './public';
import { WebAssets } from './shell/assets';
import { PageRenderer } from './shell/page-renderer';
import { WebShellSetup } from './shell/web-shell';

/** The web pages (web.md), served by the same app as the JSON API. */
@Module({
  // The throttler's storage is in memory, per process (as the JSON API's).
  imports: [RoundsModule, ZonesModule, SubscriptionsModule, ThrottlerModule.forRoot({ throttlers: [{ name: 'default', limit: 60, ttl: 60_000 }] })],
  controllers: [...PUBLIC_PAGES],
  providers: [
    { provide: WebAssets, useFactory: () => WebAssets.prepare() },
    PageRenderer,
    WebShellSetup,
    { provide: WEB_SHELL, useExisting: WebShellSetup },
  ],
})
export class WebModule {}
