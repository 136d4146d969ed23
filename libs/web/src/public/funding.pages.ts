import { Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { pageOf } from '../shell/pagination';
import { summarise } from './round-summary';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The calendar of funding rounds, and each round's own page. */
@Controller()
export class FundingPages {
  constructor(
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('funding')
  async calendar(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('page') page?: string) {
    const all = (await this.rounds.list(new Date().toISOString())).map((r) => summarise(r, this.zones.zones));
    const open = all.filter((r) => r.status === 'open');
    const upcoming = all.filter((r) => r.status === 'scheduled');
    // Most recent first; long histories are paged.
    const past = pageOf(all.filter((r) => r.status === 'closed' || r.status === 'cancelled').reverse(), page, '/funding');
    await this.pages.render(request, reply, 'public/funding', { title: 'Funding rounds', open, upcoming, past });
  }

  @PageGet('funding/:roundId')
  async round(@Param('roundId') roundId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const found = UUID.test(roundId) ? await this.rounds.get(roundId, new Date().toISOString()) : undefined;
    if (!found) throw new NotFoundException('Round not found');
    const round = summarise(found, this.zones.zones);
    const totalWeight = round.criteria.reduce((sum, c) => sum + c.weight, 0);
    await this.pages.render(request, reply, 'public/funding-round', { title: round.name, round, totalWeight, backLink: { href: '/funding', text: 'All funding rounds' } });
  }
}
