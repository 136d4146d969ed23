import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { RoundsModule } from '@pz/rounds';
import { OpenDataController } from './http/open-data.controller';
import { ReportsController } from './http/reports.controller';
import { loadTransparencyConfig, TRANSPARENCY_CONFIG } from './transparency.config';
import { TransparencyService } from './transparency.service';

/** Published awards (360Giving open data, public) and the yearly summary (staff and auditors). */
@Module({
  imports: [ApplicationsModule, RoundsModule],
  controllers: [OpenDataController, ReportsController],
  providers: [
    // GRANTS_360_* are validated with the rest of the configuration at start-up.
    {
      provide: TRANSPARENCY_CONFIG,
      useFactory: (app: AppConfig) =>
        loadTransparencyConfig({ GRANTS_360_PREFIX: app.grants360Prefix, GRANTS_360_FUNDER_ID: app.grants360FunderId }),
      inject: [APP_CONFIG],
    },
    TransparencyService,
  ],
  exports: [TransparencyService],
})
export class TransparencyModule {}
