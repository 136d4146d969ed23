import { Controller, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { summarise } from './round-summary';

interface Question {
  key: string;
  question: string;
  hint?: string;
  missing: string;
  options: Array<{ value: string; text: string; hint?: string }>;
  /** Why an answer means the group cannot apply; absent when it can. */
  refusal: Record<string, string>;
}

/**
 * "Check a service is suitable" (GOV.UK pattern): one question a page, then the answer. The
 * answers travel in the address (GET forms), so nothing is stored, nothing needs a cookie, and
 * Back works as people expect.
 */
@Controller('eligibility')
export class EligibilityPages {
  constructor(
    private readonly zones: ZonesCatalogue,
    private readonly rounds: RoundsQueries,
    private readonly pages: PageRenderer,
  ) {}

  private questions(): Question[] {
    return [
      {
        key: 'zone',
        question: 'Where will your project take place?',
        hint: 'People Zones are neighbourhoods where the funder works with residents. Your project must mainly help people who live in one.',
        missing: 'Select where your project will take place',
        options: [...this.zones.zones.map((z) => ({ value: z.id, text: z.name, hint: z.area })), { value: 'elsewhere', text: 'Somewhere else' }],
        refusal: { elsewhere: 'These grants are only for projects in a People Zone.' },
      },
      {
        key: 'group',
        question: 'What kind of group are you?',
        missing: 'Select what kind of group you are',
        options: [
          { value: 'community', text: 'A community or voluntary group', hint: 'Constituted or not, for example a residents’ association or a sports club' },
          { value: 'charity', text: 'A registered charity or charitable incorporated organisation' },
          { value: 'social-enterprise', text: 'A community interest company or social enterprise' },
          { value: 'school-or-public', text: 'A school, council or other public body' },
          { value: 'business', text: 'A business that shares its profits' },
          { value: 'individual', text: 'An individual, not part of a group' },
        ],
        refusal: {
          'school-or-public': 'Public bodies cannot apply on their own, but they can be a partner in a community group’s bid (a collaborative round).',
          business: 'Businesses that share their profits cannot apply.',
          individual: 'Grants are for groups: find a local group to apply with you.',
        },
      },
      {
        key: 'local',
        question: 'Will local people help plan and run the project?',
        hint: 'People Zones work by building on what residents already do well.',
        missing: 'Select yes if local people will help plan and run the project',
        options: [
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ],
        refusal: { no: 'Projects must involve people who live in the zone in planning and running them.' },
      },
    ];
  }

  @PageGet('')
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/eligibility-start', { title: 'Check if your group can apply', firstStep: `/eligibility/${this.questions()[0].key}` });
  }

  @PageGet('result')
  async result(@Query() query: Record<string, string>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const questions = this.questions();
    const unanswered = questions.find((q) => !q.options.some((o) => o.value === query[q.key]));
    if (unanswered) return this.pages.redirect(reply, `/eligibility/${unanswered.key}${this.carried(questions, query, unanswered.key)}`);
    const reasons = questions.map((q) => q.refusal[query[q.key]]).filter((r): r is string => Boolean(r));
    const zone = this.zones.zones.find((z) => z.id === query.zone);
    const rounds = reasons.length > 0 || !zone ? [] : (await this.rounds.list(new Date().toISOString())).filter((r) => (r.status === 'open' || r.status === 'scheduled') && r.zones.includes(zone.id)).map((r) => summarise(r, this.zones.zones));
    await this.pages.render(request, reply, 'public/eligibility-result', {
      title: reasons.length > 0 ? 'Your group cannot apply for this grant' : 'Your group can apply',
      reasons,
      zone,
      rounds,
      backLink: { href: `/eligibility/local${this.carried(questions, query, 'local')}` },
    });
  }

  @PageGet(':question')
  async question(@Param('question') key: string, @Query() query: Record<string, string>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const questions = this.questions();
    const index = questions.findIndex((q) => q.key === key);
    if (index < 0) throw new NotFoundException('No such question');
    const q = questions[index];
    const answer = query[q.key];
    if (query.asked === q.key) {
      if (q.options.some((o) => o.value === answer)) {
        const next = questions[index + 1];
        const onward = this.carried(questions, query, next?.key ?? '', true);
        return this.pages.redirect(reply, next ? `/eligibility/${next.key}${onward}` : `/eligibility/result${onward}`);
      }
    }
    const errors = query.asked === q.key ? [{ field: q.key, text: q.missing }] : [];
    const previous = questions[index - 1];
    await this.pages.render(
      request,
      reply,
      'public/eligibility-question',
      {
        title: q.question,
        q,
        items: q.options.map((o) => ({ value: o.value, text: o.text, hint: o.hint ? { text: o.hint } : undefined, checked: o.value === answer })),
        // Earlier answers ride along in hidden fields.
        carried: questions.slice(0, index).filter((p) => query[p.key]).map((p) => ({ name: p.key, value: query[p.key] })),
        errors,
        backLink: { href: previous ? `/eligibility/${previous.key}${this.carried(questions, query, previous.key)}` : '/eligibility' },
      },
      errors.length > 0 ? 400 : 200,
    );
  }

  /** The query string of known answers (all of them, or those before `until`). */
  private carried(questions: Question[], query: Record<string, string>, until: string, inclusive = false): string {
    const params = new URLSearchParams();
    for (const q of questions) {
      if (q.key === until && !inclusive) break;
      if (q.options.some((o) => o.value === query[q.key])) params.set(q.key, query[q.key]);
      if (q.key === until) break;
    }
    const text = params.toString();
    return text ? `?${text}` : '';
  }
}
