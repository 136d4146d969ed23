import { Conflict, NotFound } from '@pz/platform/domain';
import { givenDecider } from '@pz/platform/domain/testing/given-decider';
import { organisationDecider, RegisterOrganisation } from './organisation';

const given = givenDecider(organisationDecider);
const ORG = 'org-5d0c3c4e8a0b4c1e9f7a2b6d8e0f1a3c';
const ALICE = 'person-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'person-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const NOW = '2026-11-28T10:00:00.000Z';
const register = (o: Partial<RegisterOrganisation> = {}): RegisterOrganisation => ({
  type: 'RegisterOrganisation',
  orgId: ORG,
  name: '  Bell Foundry   Gardeners ',
  legalForm: 'charitable-incorporated-organisation',
  charityNumber: ' 1 234 567 ',
  companyNumber: '',
  by: ALICE,
  now: NOW,
  ...o,
});
const registered = () => organisationDecider.decide(register(), given().state);

describe('organisation decider', () => {
  it('registers an organisation with its numbers tidied, and its registrant as the first member', () => {
    given()
      .when(register())
      .then([
        {
          type: 'OrganisationRegistered',
          data: { orgId: ORG, name: 'Bell Foundry Gardeners', legalForm: 'charitable-incorporated-organisation', charityNumber: '1234567', companyNumber: null, registeredBy: ALICE, registeredAt: NOW },
        },
        { type: 'MemberAdded', data: { orgId: ORG, personId: ALICE, addedBy: ALICE, addedAt: NOW } },
      ]);
  });

  it('names every problem with a registration', () => {
    given()
      .when(register({ name: ' ', legalForm: 'pirate-ship', charityNumber: '12', companyNumber: 'ABC' }))
      .thenInvalid('name must not be empty', 'legalForm must be one of', 'charityNumber must be a Charity Commission number', 'companyNumber must be a Companies House number');
  });

  it('lets a member add a colleague once; anyone else learns nothing (404)', () => {
    const add = { type: 'AddMember' as const, orgId: ORG, personId: BOB, by: ALICE, now: NOW };
    given(...registered()).when(add).then([{ type: 'MemberAdded', data: { orgId: ORG, personId: BOB, addedBy: ALICE, addedAt: NOW } }]);
    given(...registered()).when({ ...add, by: BOB }).thenThrows(NotFound, 'Organisation not found');
    given().when(add).thenThrows(NotFound, 'Organisation not found');
    const withBob = [...registered(), ...organisationDecider.decide(add, given(...registered()).state)];
    given(...withBob).when(add).then([]);
  });

  it('keeps at least one member', () => {
    given(...registered()).when({ type: 'RemoveMember', orgId: ORG, personId: ALICE, by: ALICE, now: NOW }).thenThrows(Conflict, 'at least one member');
  });

  it('cannot be registered twice', () => {
    given(...registered()).when(register()).thenThrows(Conflict, 'already registered');
  });
});
