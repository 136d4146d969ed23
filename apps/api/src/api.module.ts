import { DynamicModule, Module } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { AuditModule } from '@pz/audit';
import { IdentityModule } from '@pz/identity';
import { AppConfig, PlatformModule } from '@pz/platform';
import { MonitoringModule } from '@pz/monitoring';
import { OperationsModule } from '@pz/notifications';
import { PeopleModule } from '@pz/people';
import { RoundsModule } from '@pz/rounds';
import { SubscriptionsModule } from '@pz/subscriptions';
import { TransparencyModule } from '@pz/transparency';
import { WebModule } from '@pz/web';

/** The HTTP service: commands in, read models out. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ApiModule, imports: [PlatformModule.forRoot({ config }), ...API_FEATURES] };
  }
}

export const API_FEATURES = [PeopleModule, IdentityModule, RoundsModule, ApplicationsModule, MonitoringModule, SubscriptionsModule, OperationsModule, AuditModule, TransparencyModule, WebModule];
