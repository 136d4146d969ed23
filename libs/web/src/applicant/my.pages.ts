import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationsQueries } from '@pz/applications';
import { IdentityQueries } from '@pz/identity';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor } from '../shell/visitors';
import { APPLICANT_STATUS } from './status-names';

/** Where a person lands after signing in: their organisation's applications, and their other roles' places. */
@Controller('my')
export class MyPages {
  constructor(
    private readonly identity: IdentityQueries,
    private readonly applications: ApplicationsQueries,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', 'signed-in')
  async dashboard(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { user } = visitor;
    const organisations = await this.identity.organisationsOf(user.sub);
    const acting = organisations.find((o) => o.id === user.org) ?? null;
    const applications = acting
      ? (await this.applications.all())
          .filter((doc) => doc.org === acting.id)
          .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
          .map((doc) => ({ id: doc.id, title: doc.title, status: APPLICANT_STATUS[doc.status], submittedAt: doc.submittedAt }))
      : [];
    await this.pages.render(request, reply, 'applicant/my', {
      title: 'Your applications',
      acting,
      others: organisations.filter((o) => o !== acting),
      applications,
      staff: user.roles.includes('staff'),
      noIndex: true,
    });
  }
}
