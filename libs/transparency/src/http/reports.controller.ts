import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pz/platform';
import { SummaryReport } from '../domain/summary';
import { TransparencyService } from '../transparency.service';
import { SummaryQueryDto } from './summary-query.dto';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get('summary')
  @Roles('staff', 'auditor')
  @ApiOperation({
    summary:
      'A financial year per People Zone and theme: applications, awards, amount awarded, first-time recipients, RAG counts, and a headline (staff, auditor)',
  })
  summary(@Query() query: SummaryQueryDto): Promise<SummaryReport> {
    return this.transparency.summary(query.financialYear);
  }
}
