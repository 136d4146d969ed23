import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { MonitoringController } from './http/monitoring.controller';
import { RagBoard } from './rag-board';

/** Post-award monitoring over HTTP: check-ins, returns, case studies and the RAG board. */
@Module({
  imports: [ApplicationsModule],
  controllers: [MonitoringController],
  providers: [RagBoard],
  exports: [RagBoard],
})
export class MonitoringModule {}
