import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pz/platform';
import { ApplicationsQueries } from '../applications.queries';
import { Ranking, rankApplications } from '../ranking';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('rounds')
export class RankingController {
  constructor(private readonly queries: ApplicationsQueries) {}

  /** Scoring is blind: until the decision a panel member sees only their own scores (on each application). */
  @Get(':id/ranking')
  @Roles('staff', 'auditor')
  @ApiOperation({ summary: "Applications by mean weighted score with each member's total and the spread (staff, auditor)" })
  async ranking(@Param('id', new ParseUUIDPipe()) id: string): Promise<Ranking> {
    const round = await this.queries.round(id);
    if (!round) throw new NotFoundException(`Round ${id} not found`);
    return rankApplications(id, round.criteria, await this.queries.all());
  }
}
