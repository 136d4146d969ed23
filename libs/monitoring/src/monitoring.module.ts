import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { MonitoringController } from './http/monitoring.controller';

/** Post-award monitoring over HTTP: check-ins, returns, case studies and the RAG board. */
@Module({
  imports: [ApplicationsModule],
  controllers: [MonitoringController],
})
export class MonitoringModule {}
