import { Decider, eventTypesOf, NotFound, Problems, unreachable } from '@pz/platform/domain';
import { isSealed, type SealedValue } from '@pz/people/sealed-value';
import { AccountEvent, GrantableRole, GRANTABLE_ROLES, RoleScope } from './events';

/**
 * A person's account: that they exist for the service (their sealed address) and the roles staff
 * granted them, each with who granted it and why (the event's metadata and reason). One stream per
 * person, keyed by their pseudonymous id, so erasing the person's key erases the address here too.
 */
export const accountStreamId = (personId: string) => `account-${personId}`;

export interface Grant extends RoleScope {
  role: GrantableRole;
}

export type AccountState = { status: 'none' } | { status: 'open'; personId: string; roles: Grant[] };

export interface OpenAccount {
  type: 'OpenAccount';
  personId: string;
  email: SealedValue;
  now: string;
}

export interface GrantRole extends RoleScope {
  type: 'GrantRole';
  personId: string;
  role: GrantableRole;
  reason: string;
  now: string;
}

export interface RevokeRole extends RoleScope {
  type: 'RevokeRole';
  personId: string;
  role: GrantableRole;
  reason: string;
  now: string;
}

export type AccountCommand = OpenAccount | GrantRole | RevokeRole;

export const sameGrant = (a: Grant, b: Grant) => a.role === b.role && a.zone === b.zone && a.roundId === b.roundId;

function checkGrant(c: GrantRole | RevokeRole): void {
  new Problems()
    .check(GRANTABLE_ROLES.includes(c.role), `role must be one of ${GRANTABLE_ROLES.join(', ')}`)
    .check(c.reason.trim().length > 0, 'reason must not be empty: every change of role says why')
    .check(c.role === 'panel' || (c.zone === null && c.roundId === null), 'only a panel role has a zone or a round')
    .check(c.zone === null || c.roundId === null, 'a panel role is for a zone or for a round, not both')
    .throwIfAny();
}

function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'OpenAccount':
      if (state.status === 'open') return [];
      new Problems().check(isSealed(command.email), 'email must be sealed').throwIfAny();
      return [{ type: 'AccountOpened', data: { personId: command.personId, email: command.email, openedAt: command.now } }];
    case 'GrantRole': {
      checkGrant(command);
      if (state.status === 'none') throw new NotFound('No account for this person: it is opened before a role is granted');
      const grant: Grant = { role: command.role, zone: command.zone, roundId: command.roundId };
      if (state.roles.some((g) => sameGrant(g, grant))) return [];
      return [{ type: 'RoleGranted', data: { personId: command.personId, ...grant, reason: command.reason.trim(), grantedAt: command.now } }];
    }
    case 'RevokeRole': {
      checkGrant(command);
      const grant: Grant = { role: command.role, zone: command.zone, roundId: command.roundId };
      if (state.status === 'none' || !state.roles.some((g) => sameGrant(g, grant))) return [];
      return [{ type: 'RoleRevoked', data: { personId: command.personId, ...grant, reason: command.reason.trim(), revokedAt: command.now } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { status: 'open', personId: event.data.personId, roles: [] };
    case 'RoleGranted': {
      if (state.status !== 'open') return state;
      const { role, zone, roundId } = event.data;
      return { ...state, roles: [...state.roles, { role, zone, roundId }] };
    }
    case 'RoleRevoked': {
      if (state.status !== 'open') return state;
      const { role, zone, roundId } = event.data;
      return { ...state, roles: state.roles.filter((g) => !sameGrant(g, { role, zone, roundId })) };
    }
    default:
      return unreachable(event);
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
  eventTypes: eventTypesOf<AccountEvent['type']>({ AccountOpened: true, RoleGranted: true, RoleRevoked: true }),
};
