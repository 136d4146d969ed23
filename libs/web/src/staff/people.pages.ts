import { Body, Controller, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GRANTABLE_ROLES, GrantableRole, GrantRoleCommand, IdentityQueries, RevokeRoleCommand } from '@pz/identity';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';
import { RoleNames } from '../account/role-names';
import { emailProblem } from '../account/email-field';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { Visitors } from '../shell/visitors';

interface InviteForm {
  email: string;
  role: string;
  panelOf: string;
  reason: string;
}

const STAFF = ['staff'] as const;

/**
 * Staff look after who does what (web.md: "Roles are granted, not claimed"): invite panel members
 * to a zone's steering group or a round's panel, other staff and auditors, each with a reason the
 * log keeps; take a role away, which stops at the person's next request.
 */
@Controller('staff/people')
export class PeoplePages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly identity: IdentityQueries,
    private readonly roleNames: RoleNames,
    private readonly zones: ZonesCatalogue,
    private readonly rounds: RoundsQueries,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('', STAFF)
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const people = await Promise.all(
      (await this.identity.accounts())
        .filter((a) => a.roles.length > 0)
        .map(async (a) => ({ personId: a.personId, email: await this.identity.emailOf(a), roles: await this.roleNames.describeAll(a.roles) })),
    );
    const named = people.filter((p) => p.email !== null).sort((a, b) => a.email!.localeCompare(b.email!));
    await this.pages.render(request, reply, 'staff/people', { title: 'People and roles', people: named, noIndex: true });
  }

  @PageGet('invite', STAFF)
  async inviteForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const saved = await this.visitors.restoredForm(request);
    await this.showInvite(request, reply, { email: textOf(saved, 'email'), role: textOf(saved, 'role'), panelOf: textOf(saved, 'panelOf'), reason: textOf(saved, 'reason') }, []);
  }

  @PagePost('invite', STAFF)
  async invite(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const values: InviteForm = { email: textOf(body, 'email'), role: textOf(body, 'role'), panelOf: textOf(body, 'panelOf'), reason: textOf(body, 'reason') };
    const errors: FieldError[] = [];
    const emailError = emailProblem(values.email);
    if (emailError) errors.push({ field: 'email', text: emailError.replace('your email', 'their email') });
    if (!(GRANTABLE_ROLES as readonly string[]).includes(values.role)) errors.push({ field: 'role', text: 'Select the role to give them' });
    const scope = await this.scopeOf(values.panelOf);
    if (values.role === 'panel' && !scope) errors.push({ field: 'panelOf', text: 'Select the steering group or round panel they join' });
    if (values.reason === '') errors.push({ field: 'reason', text: 'Enter why they are getting this role: the history keeps it' });
    else if (values.reason.length > 500) errors.push({ field: 'reason', text: 'The reason must be 500 characters or fewer' });
    if (errors.length > 0) return this.showInvite(request, reply, values, errors, 400);

    const role = values.role as GrantableRole;
    const { zone, roundId } = role === 'panel' ? scope! : { zone: null, roundId: null };
    const { personId, position } = await this.commands.execute(new GrantRoleCommand({ email: values.email, role, zone, roundId, reason: values.reason }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/staff/people/${personId}`);
  }

  @PageGet(':personId', STAFF)
  async person(@Param('personId') personId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const account = await this.identity.account(personId);
    const email = account ? await this.identity.emailOf(account) : null;
    if (!account || email === null) throw new NotFoundException();
    const roles = await Promise.all(account.roles.map(async (g, index) => ({ index, ...g, text: await this.roleNames.describe(g) })));
    const organisations = await this.identity.organisationsOf(personId);
    await this.pages.render(request, reply, 'staff/person', { title: email, email, personId, roles, organisations, noIndex: true });
  }

  @PagePost(':personId/revoke', STAFF)
  async revoke(@Param('personId') personId: string, @Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const account = await this.identity.account(personId);
    // The role named in full (not its place in a list another member of staff may have changed meanwhile).
    const named = { role: textOf(body, 'role'), zone: textOf(body, 'zone') || null, roundId: textOf(body, 'roundId') || null };
    const index = account?.roles.findIndex((g) => g.role === named.role && g.zone === named.zone && g.roundId === named.roundId) ?? -1;
    const grant = account?.roles[index];
    if (!account || !grant) throw new NotFoundException();
    const reason = textOf(body, 'reason');
    if (reason === '' || reason.length > 500) {
      const email = (await this.identity.emailOf(account)) ?? '';
      const roles = await Promise.all(account.roles.map(async (g, i) => ({ index: i, ...g, text: await this.roleNames.describe(g) })));
      const field = `reason-${index}`;
      const errors = [{ field, text: reason === '' ? 'Enter why the role is being removed: the history keeps it' : 'The reason must be 500 characters or fewer' }];
      return this.pages.render(request, reply, 'staff/person', { title: email, email, personId, roles, organisations: await this.identity.organisationsOf(personId), errors, noIndex: true }, 400);
    }
    const { position } = await this.commands.execute(new RevokeRoleCommand({ personId, role: grant.role, zone: grant.zone, roundId: grant.roundId, reason }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, `/staff/people/${personId}`);
  }

  /** `zone:<id>` or `round:<id>`, as the panel choice's options carry them. */
  private async scopeOf(panelOf: string): Promise<{ zone: string | null; roundId: string | null } | null> {
    const [kind, id] = panelOf.split(':', 2);
    if (kind === 'zone' && this.zones.ids().includes(id)) return { zone: id, roundId: null };
    if (kind === 'round' && id && (await this.rounds.view(id))) return { zone: null, roundId: id };
    return null;
  }

  private async showInvite(request: FastifyRequest, reply: FastifyReply, values: InviteForm, errors: FieldError[], status = 200) {
    const now = new Date().toISOString();
    const rounds = (await this.rounds.views()).filter((r) => !r.cancelledAt && r.closesAt > now).sort((a, b) => a.opensAt.localeCompare(b.opensAt));
    const panelOptions = [
      { value: '', text: 'Choose one' },
      ...this.zones.zones.map((z) => ({ value: `zone:${z.id}`, text: `${z.name} steering group` })),
      ...rounds.map((r) => ({ value: `round:${r.id}`, text: `${r.name} panel` })),
    ].map((o) => ({ ...o, selected: o.value === values.panelOf }));
    await this.pages.render(request, reply, 'staff/people-invite', { title: 'Invite someone', values, panelOptions, errors, noIndex: true }, status);
  }
}
