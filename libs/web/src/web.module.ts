import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { WEB_SHELL } from '@pz/platform';
import { RoundsModule, ZonesModule } from '@pz/rounds';
import { SubscriptionsModule } from '@pz/subscriptions';
import { ApplicationsModule } from '@pz/applications';
import { TransparencyModule } from '@pz/transparency';
import { AuditModule } from '@pz/audit';
import { MonitoringModule } from '@pz/monitoring';
import { OperationsModule } from '@pz/notifications';
import { AccountPages } from './account/account.pages';
import { RoleNames } from './account/role-names';
import { SignInPages, SignOutPages } from './account/sign-in.pages';
import { ApplicationPages } from './applicant/application.pages';
import { DecisionsBy } from './applicant/decisions-by';
import { MonitoringPages } from './applicant/monitoring.pages';
import { MyPages } from './applicant/my.pages';
import { OrganisationPages } from './applicant/organisation.pages';
import { DevMailPages } from './dev/mail.pages';
import { PUBLIC_PAGES } from './public';
import { PeoplePages } from './staff/people.pages';
import { PanelPages } from './panel/panel.pages';
import { DecisionPages } from './staff/decisions.pages';
import { RoundsPages } from './staff/rounds.pages';
import { Visitors } from './shell/visitors';
import { WebAssets } from './shell/assets';
import { PageRenderer } from './shell/page-renderer';
import { WebShellSetup } from './shell/web-shell';
import { ChartRenderer } from './shell/charts';
import { PublishedCaseStudies } from './public/awards-case-studies';
import { AuditorPages } from './auditor/auditor.pages';
import { GrantsPages } from './staff/grants.pages';
import { OperationsPages } from './staff/operations.pages';

/** The web pages (web.md), served by the same app as the JSON API. */
@Module({
  // The throttler's storage is in memory, per process (as the JSON API's).
  imports: [ApplicationsModule, RoundsModule, ZonesModule, SubscriptionsModule, TransparencyModule, AuditModule, MonitoringModule, OperationsModule, ThrottlerModule.forRoot({ throttlers: [{ name: 'default', limit: 60, ttl: 60_000 }] })],
  controllers: [
    ...PUBLIC_PAGES,
    SignInPages,
    SignOutPages,
    AccountPages,
    MyPages,
    ApplicationPages,
    MonitoringPages,
    OrganisationPages,
    PeoplePages,
    DevMailPages,
    PanelPages,
    RoundsPages,
    DecisionPages,
    AuditorPages,
    GrantsPages,
    OperationsPages,
  ],
  providers: [
    { provide: WebAssets, useFactory: () => WebAssets.prepare() },
    PageRenderer,
    Visitors,
    RoleNames,
    DecisionsBy,
    ChartRenderer,
    PublishedCaseStudies,
    WebShellSetup,
    { provide: WEB_SHELL, useExisting: WebShellSetup },
  ],
})
export class WebModule {}
