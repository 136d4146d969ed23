import { Module, OnModuleInit } from '@nestjs/common';
import { ReadModels } from '@pz/platform';
import { ApplicationStreams, ASSESSMENT_HANDLERS, DECISION_HANDLERS, DRAFTING_HANDLERS, MONITORING_HANDLERS } from './commands';
import { applicationsProjection } from './applications.projection';
import { ApplicationsQueries } from './applications.queries';
import { ApplicationsController } from './http/applications.controller';
import { RankingController } from './http/ranking.controller';

@Module({
  controllers: [ApplicationsController, RankingController],
  providers: [ApplicationStreams, ...DRAFTING_HANDLERS, ...ASSESSMENT_HANDLERS, ...DECISION_HANDLERS, ...MONITORING_HANDLERS, ApplicationsQueries],
  exports: [ApplicationsQueries],
})
export class ApplicationsModule implements OnModuleInit {
  constructor(private readonly readModels: ReadModels) {}

  onModuleInit(): void {
    this.readModels.register(applicationsProjection);
  }
}
