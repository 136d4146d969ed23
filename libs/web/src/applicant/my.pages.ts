import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApplicationsQueries, dueItems } from '@pz/applications';
import { RoundsQueries } from '@pz/rounds';
import { IdentityQueries } from '@pz/identity';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor } from '../shell/visitors';
import { DecisionsBy } from './decisions-by';
import { APPLICANT_STATUS } from './status-names';

const DUE_NAMES = { 'check-in': 'First-month check-in', return: 'Quarterly return', 'case-study': 'Case study' } as const;

/** Where a person lands after signing in: their organisation's applications, and their other roles' places. */
@Controller('my')
export class MyPages {
  constructor(
    private readonly identity: IdentityQueries,
    private readonly applications: ApplicationsQueries,
    private readonly rounds: RoundsQueries,
    private readonly decisionsBy: DecisionsBy,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', 'signed-in')
  async dashboard(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { user } = visitor;
    const organisations = await this.identity.organisationsOf(user.sub);
    const acting = organisations.find((o) => o.id === user.org) ?? null;
    const now = new Date().toISOString();
    const docs = acting ? (await this.applications.all()).filter((doc) => doc.org === acting.id).sort((a, b) => b.openedAt.localeCompare(a.openedAt)) : [];
    const applications = await Promise.all(
      docs.map(async (doc) => {
        const round = await this.rounds.view(doc.roundId);
        const { nextDue, overdue } = doc.status === 'awarded' ? dueItems(doc, now) : { nextDue: undefined, overdue: [] };
        return {
          id: doc.id,
          title: doc.title,
          roundName: round?.name ?? '',
          status: APPLICANT_STATUS[doc.status],
          // What a volunteer most needs to know next, in one line.
          next:
            doc.status === 'draft'
              ? { text: 'Send it by', at: round?.closesAt ?? null }
              : doc.status === 'submitted'
                ? { text: 'Decision expected by', at: round ? this.decisionsBy.after(round.closesAt) : null }
                : doc.status === 'awarded' && doc.acceptedAt === null
                  ? { text: 'Accept your offer', at: null }
                  : nextDue
                    ? { text: `${DUE_NAMES[nextDue.kind]} due`, at: nextDue.dueAt }
                    : null,
          overdue: overdue.length,
        };
      }),
    );
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
