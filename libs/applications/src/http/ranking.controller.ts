import { Controller, ForbiddenException, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@pz/platform';
import { ApplicationsQueries } from '../applications.queries';
import { Ranking, rankApplications } from '../ranking';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('rounds')
export class RankingController {
  constructor(private readonly queries: ApplicationsQueries) {}

  @Get(':id/ranking')
  @Roles('staff', 'panel')
  @ApiOperation({
    summary: "Applications by mean weighted score with each member's total and the spread (staff; panel members of this round, without applications they are conflicted on)",
  })
  async ranking(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<Ranking> {
    const round = await this.queries.round(id);
    if (!round) throw new NotFoundException(`Round ${id} not found`);
    const isStaff = user.roles.includes('staff');
    if (!isStaff && !round.panel.includes(user.sub)) {
      throw new ForbiddenException("Only staff and this round's panel can see its ranking");
    }
    const docs = (await this.queries.all()).filter((d) => isStaff || !d.conflicts.includes(user.sub));
    return rankApplications(id, round.criteria, docs);
  }
}
