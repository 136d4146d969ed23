import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { summarise } from './round-summary';

/** The start page and the pages that are the same for everyone: guidance, accessibility, privacy, cookies. */
@Controller()
export class InformationPages {
  constructor(
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('')
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const rounds = (await this.rounds.list(new Date().toISOString())).map((r) => summarise(r, this.zones.zones));
    const open = rounds.filter((r) => r.status === 'open');
    const next = rounds.find((r) => r.status === 'scheduled');
    await this.pages.render(request, reply, 'public/start', { title: 'Apply for a People Zones grant', open, next, zones: this.zones.zones });
  }

  @PageGet('guidance')
  async guidance(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/guidance', { title: 'Guidance for applicants', zones: this.zones.zones });
  }

  @PageGet('accessibility')
  async accessibility(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/accessibility', { title: 'Accessibility statement' });
  }

  @PageGet('privacy')
  async privacy(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/privacy', { title: 'Privacy notice' });
  }

  @PageGet('cookies')
  async cookies(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/cookies', { title: 'Cookies' });
  }
}
