import { Body, Controller, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokens, IdentityQueries, MAX_TOKEN_DAYS, Sessions } from '@pz/identity';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { SignedInVisitor, Visitor, Visitors } from '../shell/visitors';
import { RoleNames } from './role-names';

const DEFAULT_TOKEN_DAYS = 90;

interface TokenForm {
  name: string;
  days: string;
  org: string;
}

/**
 * A person's own account (web.md): who they are to the service, where they are signed in (and
 * signing out everywhere), which organisation they act for, and their personal access tokens.
 */
@Controller('account')
export class AccountPages {
  constructor(
    private readonly identity: IdentityQueries,
    private readonly sessions: Sessions,
    private readonly tokens: AccessTokens,
    private readonly roleNames: RoleNames,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', 'signed-in')
  async account(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const personId = visitor.user.sub;
    const [account, organisations, sessions, tokens] = await Promise.all([
      this.identity.account(personId),
      this.identity.organisationsOf(personId),
      this.sessions.list(personId),
      this.tokens.list(personId),
    ]);
    const now = new Date().toISOString();
    await this.pages.render(request, reply, 'account/account', {
      title: 'Your account',
      email: visitor.user.email,
      roles: await this.roleNames.describeAll(account?.roles ?? []),
      organisations: organisations.map((o) => ({ id: o.id, name: o.name, acting: o.id === visitor.user.org })),
      sessions: sessions.map((s) => ({ ...s, current: this.sessions.isCurrent(s, visitor.sessionId) })),
      tokens: tokens.map((t) => ({
        ...t,
        orgName: organisations.find((o) => o.id === t.org)?.name ?? null,
        status: t.revokedAt ? 'Revoked' : t.expiresAt <= now ? 'Expired' : 'Active',
      })),
      noIndex: true,
    });
  }

  /** A member of several organisations chooses which one this session acts for. */
  @PagePost('acting-for', 'signed-in')
  async actFor(@Body() body: FormFields, @SignedInVisitor() visitor: Visitor, @Res() reply: FastifyReply) {
    const org = textOf(body, 'org');
    const account = await this.identity.account(visitor.user.sub);
    if (!account?.organisations.includes(org)) throw new NotFoundException();
    await this.sessions.actFor(visitor.sessionId, org);
    await this.pages.redirect(reply, '/account');
  }

  @PagePost('sign-out-everywhere', 'signed-in')
  async signOutEverywhere(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.sessions.endAll(visitor.user.sub);
    await this.visitors.signOut(request, reply);
    await this.pages.redirect(reply, '/signed-out');
  }

  @PageGet('tokens/new', 'signed-in')
  async tokenForm(@SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const restored = await this.visitors.restoredForm(request);
    const values: TokenForm = { name: textOf(restored, 'name'), days: textOf(restored, 'days') || String(DEFAULT_TOKEN_DAYS), org: textOf(restored, 'org') };
    await this.showTokenForm(visitor, request, reply, values, []);
  }

  @PagePost('tokens/new', 'signed-in')
  async createToken(@Body() body: FormFields, @SignedInVisitor() visitor: Visitor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const values: TokenForm = { name: textOf(body, 'name'), days: textOf(body, 'days'), org: textOf(body, 'org') };
    const organisations = await this.identity.organisationsOf(visitor.user.sub);
    const errors: FieldError[] = [];
    if (values.name === '') errors.push({ field: 'name', text: 'Enter a name for the token, so you can recognise it later' });
    else if (values.name.length > 60) errors.push({ field: 'name', text: 'The name must be 60 characters or fewer' });
    const days = Number(values.days);
    if (!/^\d{1,3}$/.test(values.days) || days < 1 || days > MAX_TOKEN_DAYS) errors.push({ field: 'days', text: `Enter a number of days from 1 to ${MAX_TOKEN_DAYS}` });
    const onlyApplicant = !visitor.user.roles.some((r) => r !== 'applicant');
    if (values.org !== '' && !organisations.some((o) => o.id === values.org)) errors.push({ field: 'org', text: 'Select one of your organisations' });
    else if (values.org === '' && onlyApplicant && organisations.length > 0) errors.push({ field: 'org', text: 'Select the organisation the token acts for' });
    if (errors.length > 0) return this.showTokenForm(visitor, request, reply, values, errors, 400);

    const { token, record } = await this.tokens.create(visitor.user.sub, { name: values.name, days, org: values.org || null });
    // Shown once, on this answer only: the store keeps its hash, so nobody can show it again.
    await this.pages.render(request, reply, 'account/token-created', { title: 'Your new access token', token, record, noIndex: true });
  }

  @PagePost('tokens/:id/revoke', 'signed-in')
  async revokeToken(@Param('id') id: string, @SignedInVisitor() visitor: Visitor, @Res() reply: FastifyReply) {
    // Another person's token is, to this person, a token that does not exist.
    if (!(await this.tokens.revoke(id, visitor.user.sub))) throw new NotFoundException();
    await this.pages.redirect(reply, '/account#tokens');
  }

  private async showTokenForm(visitor: Visitor, request: FastifyRequest, reply: FastifyReply, values: TokenForm, errors: FieldError[], status = 200) {
    const organisations = await this.identity.organisationsOf(visitor.user.sub);
    const onlyApplicant = !visitor.user.roles.some((r) => r !== 'applicant');
    const orgItems = [
      ...organisations.map((o) => ({ value: o.id, text: o.name, checked: values.org === o.id })),
      ...(onlyApplicant ? [] : [{ value: '', text: 'No organisation: my other roles only', checked: values.org === '' }]),
    ];
    await this.pages.render(request, reply, 'account/token-new', { title: 'Create an access token', values, orgItems: organisations.length > 0 ? orgItems : [], maxDays: MAX_TOKEN_DAYS, errors, noIndex: true }, status);
  }
}
