import { InvalidCommand, NotFound } from '@pz/platform/domain';
import { givenDecider } from '@pz/platform/domain/testing/given-decider';
import type { SealedValue } from '@pz/people/sealed-value';
import { accountDecider, GrantRole } from './account';
import type { AccountEvent } from './events';

const given = givenDecider(accountDecider);
const PERSON = 'person-0123456789abcdef0123456789abcdef';
const EMAIL: SealedValue = { $pii: 1, person: PERSON, iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' } as unknown as SealedValue;
const NOW = '2026-11-28T10:00:00.000Z';
const opened: AccountEvent = { type: 'AccountOpened', data: { personId: PERSON, email: EMAIL, openedAt: NOW } };
const grant = (o: Partial<GrantRole> = {}): GrantRole => ({ type: 'GrantRole', personId: PERSON, role: 'panel', zone: 'new-parks', roundId: null, reason: '  Sits on the steering group  ', now: NOW, ...o });

describe('account decider', () => {
  it('opens an account once, with the address sealed', () => {
    given().when({ type: 'OpenAccount', personId: PERSON, email: EMAIL, now: NOW }).then([opened]);
    given(opened).when({ type: 'OpenAccount', personId: PERSON, email: EMAIL, now: NOW }).then([]);
  });

  it('grants a role with its scope and trimmed reason, once', () => {
    given(opened)
      .when(grant())
      .then([{ type: 'RoleGranted', data: { personId: PERSON, role: 'panel', zone: 'new-parks', roundId: null, reason: 'Sits on the steering group', grantedAt: NOW } }]);
    const granted = accountDecider.decide(grant(), given(opened).state);
    given(opened, ...granted).when(grant()).then([]);
  });

  it('names every problem with a grant', () => {
    const error = given(opened).when(grant({ role: 'staff', zone: 'new-parks', roundId: 'r-1', reason: ' ' })).thenThrows(InvalidCommand, '');
    expect(error.problems).toEqual([
      'reason must not be empty: every change of role says why',
      'only a panel role has a zone or a round',
      'a panel role is for a zone or for a round, not both',
    ]);
  });

  it('revokes only what was granted, and the role is gone from the state', () => {
    const granted = accountDecider.decide(grant(), given(opened).state);
    const revoke = { ...grant(), type: 'RevokeRole' as const, reason: 'Left the steering group' };
    const revoked = accountDecider.decide(revoke, given(opened, ...granted).state);
    expect(revoked).toEqual([{ type: 'RoleRevoked', data: { personId: PERSON, role: 'panel', zone: 'new-parks', roundId: null, reason: 'Left the steering group', revokedAt: NOW } }]);
    expect(given(opened, ...granted, ...revoked).state).toEqual({ status: 'open', personId: PERSON, roles: [] });
    given(opened).when(revoke).then([]);
  });

  it('refuses a role for a person with no account', () => {
    given().when(grant()).thenThrows(NotFound, 'No account');
  });
});
