import { Body, Controller, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHARITY_NUMBER, COMPANY_NUMBER, IdentityQueries, safeNext, InviteMemberCommand, LEGAL_FORMS, RegisterOrganisationCommand, RemoveMemberCommand } from '@pz/identity';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { emailProblem } from '../account/email-field';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor, Visitors } from '../shell/visitors';

interface RegistrationForm {
  name: string;
  legalForm: string;
  charityNumber: string;
  companyNumber: string;
}

const APPLICANT = ['applicant'] as const;
/** Enough to bring a committee in; too few to use the funder's mail to reach strangers. */
const INVITE_LIMIT = { default: { limit: 10, ttl: 60 * 60_000 } };

const compact = (text: string) => text.replace(/\s+/g, '').toUpperCase();

/**
 * A volunteer registers their group (its charity or company number, when it has one, is how the
 * open data names the grantee) and invites colleagues, who then act for it too.
 */
@Controller('my/organisation')
export class OrganisationPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly identity: IdentityQueries,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  /** The organisation this person acts for, or, when they have none, the form to register one. */
  @PageGet('', 'signed-in')
  async organisation(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const org = visitor.user.org ? await this.identity.organisation(visitor.user.org) : undefined;
    if (!org) return this.showRegistration(request, reply, await this.restored(request), [], 200, '/my/organisation', safeNext((request.query as Record<string, unknown>).next));
    const members = await Promise.all(
      org.members.map(async (personId) => {
        const account = await this.identity.account(personId);
        return { personId, email: account ? await this.identity.emailOf(account) : null, you: personId === visitor.user.sub };
      }),
    );
    await this.pages.render(request, reply, 'applicant/organisation', {
      title: org.name,
      org: { ...org, legalFormName: LEGAL_FORMS[org.legalForm] },
      members,
      noIndex: true,
    });
  }

  @PagePost('', 'signed-in')
  async register(@Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.registerFrom(body, ctx, visitor, request, reply, '/my/organisation');
  }

  /** A member of one group registering another (a volunteer may run two). */
  @PageGet('new', 'signed-in')
  async newForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.showRegistration(request, reply, await this.restored(request), [], 200, '/my/organisation/new');
  }

  @PagePost('new', 'signed-in')
  async registerAnother(@Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.registerFrom(body, ctx, visitor, request, reply, '/my/organisation/new');
  }

  @PageGet('invite', APPLICANT)
  async inviteForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const restored = await this.visitors.restoredForm(request);
    await this.showInvite(request, reply, textOf(restored, 'email'), []);
  }

  @PagePost('invite', APPLICANT)
  @UseGuards(ThrottlerGuard)
  @Throttle(INVITE_LIMIT)
  async invite(@Body() body: FormFields, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const email = textOf(body, 'email');
    const problem = emailProblem(email);
    if (problem) return this.showInvite(request, reply, email, [{ field: 'email', text: problem.replace('your email', 'their email') }], 400);
    const { position } = await this.commands.execute(new InviteMemberCommand({ orgId: visitor.user.org!, email }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, '/my/organisation#members');
  }

  @PagePost('members/:personId/remove', APPLICANT)
  async remove(@Param('personId') personId: string, @Ctx() ctx: CommandContext, @SignedInVisitor() visitor: Visitor, @Res() reply: FastifyReply) {
    const org = await this.identity.organisation(visitor.user.org!);
    if (!org?.members.includes(personId)) throw new NotFoundException();
    const { position } = await this.commands.execute(new RemoveMemberCommand({ orgId: org.id, personId }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, personId === visitor.user.sub ? '/my' : '/my/organisation#members');
  }

  private async registerFrom(body: FormFields, ctx: CommandContext, visitor: Visitor, request: FastifyRequest, reply: FastifyReply, action: string) {
    const values: RegistrationForm = { name: textOf(body, 'name'), legalForm: textOf(body, 'legalForm'), charityNumber: textOf(body, 'charityNumber'), companyNumber: textOf(body, 'companyNumber') };
    const errors: FieldError[] = [];
    if (values.name === '') errors.push({ field: 'name', text: 'Enter the name of your organisation' });
    else if (values.name.length > 200) errors.push({ field: 'name', text: 'The name must be 200 characters or fewer' });
    if (!(values.legalForm in LEGAL_FORMS)) errors.push({ field: 'legalForm', text: 'Select what kind of organisation it is' });
    if (values.charityNumber !== '' && !CHARITY_NUMBER.test(compact(values.charityNumber))) errors.push({ field: 'charityNumber', text: 'Enter a charity number like 1234567, or leave it blank' });
    if (values.companyNumber !== '' && !COMPANY_NUMBER.test(compact(values.companyNumber))) errors.push({ field: 'companyNumber', text: 'Enter a company number like 01234567 or SC123456, or leave it blank' });
    if (errors.length > 0) return this.showRegistration(request, reply, values, errors, 400, action, safeNext(textOf(body, 'next')));
    const { orgId, position } = await this.commands.execute(new RegisterOrganisationCommand(values, ctx));
    await this.readModels.waitFor(position);
    // The new organisation is the one this session acts for from now on.
    await this.visitors.actFor(visitor, orgId);
    // Back to where they were going (starting an application), else to the group's page.
    await this.pages.redirect(reply, safeNext(textOf(body, 'next')) ?? '/my/organisation');
  }

  private async restored(request: FastifyRequest): Promise<RegistrationForm> {
    const saved = await this.visitors.restoredForm(request);
    return { name: textOf(saved, 'name'), legalForm: textOf(saved, 'legalForm'), charityNumber: textOf(saved, 'charityNumber'), companyNumber: textOf(saved, 'companyNumber') };
  }

  private async showRegistration(request: FastifyRequest, reply: FastifyReply, values: RegistrationForm, errors: FieldError[], status: number, action: string, next: string | null = null) {
    const legalForms = Object.entries(LEGAL_FORMS).map(([value, text]) => ({ value, text, checked: values.legalForm === value }));
    await this.pages.render(request, reply, 'applicant/organisation-register', { title: 'Register your organisation', values, legalForms, errors, action, next, noIndex: true }, status);
  }

  private async showInvite(request: FastifyRequest, reply: FastifyReply, email: string, errors: FieldError[], status = 200) {
    const org = await this.identity.organisation(request.visitor!.user.org!);
    await this.pages.render(request, reply, 'applicant/organisation-invite', { title: 'Invite a colleague', orgName: org?.name ?? '', email, errors, noIndex: true }, status);
  }
}
