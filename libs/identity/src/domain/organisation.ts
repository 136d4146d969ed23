import { Conflict, Decider, eventTypesOf, NotFound, Problems, unreachable } from '@pz/platform/domain';
import { LEGAL_FORMS, LegalForm, OrganisationEvent } from './events';

/**
 * A community group, charity or social enterprise that applies for grants. Whoever registers it is
 * its first member; members invite colleagues. Its charity or company number, when it has one,
 * is what the open data names it by (360Giving: GB-CHC-..., GB-COH-...).
 */
export const organisationStreamId = (orgId: string) => `organisation-${orgId}`;

export type OrganisationState =
  | { status: 'none' }
  | { status: 'registered'; orgId: string; name: string; members: string[] };

export interface RegisterOrganisation {
  type: 'RegisterOrganisation';
  orgId: string;
  name: string;
  legalForm: string;
  charityNumber: string;
  companyNumber: string;
  by: string;
  now: string;
}

export interface AddMember {
  type: 'AddMember';
  orgId: string;
  personId: string;
  by: string;
  now: string;
}

export interface RemoveMember {
  type: 'RemoveMember';
  orgId: string;
  personId: string;
  by: string;
  now: string;
}

export type OrganisationCommand = RegisterOrganisation | AddMember | RemoveMember;

/** England and Wales charity numbers: 6 to 8 digits (a linked charity adds "-1"). */
export const CHARITY_NUMBER = /^\d{6,8}(-\d{1,2})?$/;
/** Companies House numbers: 8 characters, digits or a two-letter prefix (SC, NI, ...) and 6 digits. */
export const COMPANY_NUMBER = /^(\d{8}|[A-Z]{2}\d{6})$/;

const normalise = (text: string) => text.trim().replace(/\s+/g, '').toUpperCase();

function decide(command: OrganisationCommand, state: OrganisationState): OrganisationEvent[] {
  switch (command.type) {
    case 'RegisterOrganisation': {
      if (state.status === 'registered') throw new Conflict('This organisation is already registered');
      const name = command.name.trim().replace(/\s+/g, ' ');
      const charityNumber = normalise(command.charityNumber);
      const companyNumber = normalise(command.companyNumber);
      new Problems()
        .check(name.length > 0, 'name must not be empty')
        .check(name.length <= 200, 'name must be 200 characters or fewer')
        .check(command.legalForm in LEGAL_FORMS, `legalForm must be one of ${Object.keys(LEGAL_FORMS).join(', ')}`)
        .check(charityNumber === '' || CHARITY_NUMBER.test(charityNumber), 'charityNumber must be a Charity Commission number such as 1234567')
        .check(companyNumber === '' || COMPANY_NUMBER.test(companyNumber), 'companyNumber must be a Companies House number such as 01234567 or SC123456')
        .throwIfAny();
      return [
        {
          type: 'OrganisationRegistered',
          data: {
            orgId: command.orgId,
            name,
            legalForm: command.legalForm as LegalForm,
            charityNumber: charityNumber || null,
            companyNumber: companyNumber || null,
            registeredBy: command.by,
            registeredAt: command.now,
          },
        },
        { type: 'MemberAdded', data: { orgId: command.orgId, personId: command.by, addedBy: command.by, addedAt: command.now } },
      ];
    }
    case 'AddMember': {
      const org = memberOnly(state, command.by);
      if (org.members.includes(command.personId)) return [];
      return [{ type: 'MemberAdded', data: { orgId: command.orgId, personId: command.personId, addedBy: command.by, addedAt: command.now } }];
    }
    case 'RemoveMember': {
      const org = memberOnly(state, command.by);
      if (!org.members.includes(command.personId)) return [];
      if (org.members.length === 1) throw new Conflict('An organisation keeps at least one member: invite someone else before you leave');
      return [{ type: 'MemberRemoved', data: { orgId: command.orgId, personId: command.personId, removedBy: command.by, removedAt: command.now } }];
    }
    default:
      return unreachable(command);
  }
}

/** Only a member acts for an organisation; anyone else learns nothing of it, not even that it exists. */
function memberOnly(state: OrganisationState, by: string): Extract<OrganisationState, { status: 'registered' }> {
  if (state.status !== 'registered' || !state.members.includes(by)) throw new NotFound('Organisation not found');
  return state;
}

function evolve(state: OrganisationState, event: OrganisationEvent): OrganisationState {
  switch (event.type) {
    case 'OrganisationRegistered':
      return { status: 'registered', orgId: event.data.orgId, name: event.data.name, members: [] };
    case 'MemberAdded':
      return state.status === 'registered' ? { ...state, members: [...state.members, event.data.personId] } : state;
    case 'MemberRemoved':
      return state.status === 'registered' ? { ...state, members: state.members.filter((m) => m !== event.data.personId) } : state;
    default:
      return unreachable(event);
  }
}

export const organisationDecider: Decider<OrganisationCommand, OrganisationState, OrganisationEvent> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
  eventTypes: eventTypesOf<OrganisationEvent['type']>({ OrganisationRegistered: true, MemberAdded: true, MemberRemoved: true }),
};
