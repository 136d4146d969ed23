import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, entityIdFor, UseCaseCommand } from '@pz/platform';
import type { GrantableRole } from '../domain';
import { IdentityStreams } from './identity-streams';

export interface Changed {
  position: number;
}

/** Whoever signs in with an address for the first time gets an account for it. */
export class OpenAccountCommand extends UseCaseCommand<{ email: string }, Changed & { personId: string }> {}

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  execute({ input, context }: OpenAccountCommand) {
    return this.streams.openAccount(input.email, context);
  }
}

interface RoleInput {
  role: GrantableRole;
  zone: string | null;
  roundId: string | null;
  reason: string;
}

/**
 * Staff invite someone to a role by their address (a panel member to a zone's steering group or a
 * round's panel, staff, an auditor): the account is opened if it was not, the role granted with
 * its reason, and the worker emails the invitation.
 */
export class GrantRoleCommand extends UseCaseCommand<RoleInput & { email: string }, Changed & { personId: string }> {}

@CommandHandler(GrantRoleCommand)
export class GrantRoleHandler implements ICommandHandler<GrantRoleCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  async execute({ input, context }: GrantRoleCommand) {
    const { personId } = await this.streams.openAccount(input.email, context);
    const { position } = await this.streams.account({ type: 'GrantRole', personId, role: input.role, zone: input.zone, roundId: input.roundId, reason: input.reason, now: context.now }, context);
    return { personId, position };
  }
}

/** Takes a role away: it stops at the person's next request, on every session and token. */
export class RevokeRoleCommand extends UseCaseCommand<RoleInput & { personId: string }, Changed> {}

@CommandHandler(RevokeRoleCommand)
export class RevokeRoleHandler implements ICommandHandler<RevokeRoleCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  async execute({ input, context }: RevokeRoleCommand) {
    const { position } = await this.streams.account({ type: 'RevokeRole', ...input, now: context.now }, context);
    return { position };
  }
}

/**
 * A signed-in person registers their group; they become its first member. `orgId` is for an
 * organisation the service knew before sign-in existed (an id in operators' tokens, the demo's
 * groups), so its applications stay its own; pages never send one.
 */
export class RegisterOrganisationCommand extends UseCaseCommand<
  { name: string; legalForm: string; charityNumber: string; companyNumber: string; orgId?: string },
  Changed & { orgId: string }
> {}

@CommandHandler(RegisterOrganisationCommand)
export class RegisterOrganisationHandler implements ICommandHandler<RegisterOrganisationCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  async execute({ input, context }: RegisterOrganisationCommand) {
    const orgId = input.orgId ?? `org-${entityIdFor(context, 'organisation').replace(/-/g, '')}`;
    const { position } = await this.streams.organisation({ type: 'RegisterOrganisation', orgId, ...input, by: actor(context), now: context.now }, context);
    return { orgId, position };
  }
}

/** A member invites a colleague by address: the colleague can sign in and act for the group. */
export class InviteMemberCommand extends UseCaseCommand<{ orgId: string; email: string }, Changed & { personId: string }> {}

@CommandHandler(InviteMemberCommand)
export class InviteMemberHandler implements ICommandHandler<InviteMemberCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  async execute({ input, context }: InviteMemberCommand) {
    const { personId } = await this.streams.openAccount(input.email, context);
    const { position } = await this.streams.organisation({ type: 'AddMember', orgId: input.orgId, personId, by: actor(context), now: context.now }, context);
    return { personId, position };
  }
}

export class RemoveMemberCommand extends UseCaseCommand<{ orgId: string; personId: string }, Changed> {}

@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(private readonly streams: IdentityStreams) {}

  async execute({ input, context }: RemoveMemberCommand) {
    const { position } = await this.streams.organisation({ type: 'RemoveMember', ...input, by: actor(context), now: context.now }, context);
    return { position };
  }
}

/** The person acting: the decider checks they belong to the organisation. */
function actor(context: CommandContext): string {
  return context.actor.sub;
}

export const IDENTITY_HANDLERS = [
  IdentityStreams,
  OpenAccountHandler,
  GrantRoleHandler,
  RevokeRoleHandler,
  RegisterOrganisationHandler,
  InviteMemberHandler,
  RemoveMemberHandler,
];
