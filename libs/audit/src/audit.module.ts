import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@pz/applications';
import { AuditService } from './audit.service';
import { AuditController } from './http/audit.controller';

/** Read-only access to the log for auditors: history, point-in-time state, replay, verification. */
@Module({
  imports: [ApplicationsModule],
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
