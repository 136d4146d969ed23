import type { RecordedEvent } from '@pz/event-store';
import type { SealedValue } from '@pz/people/sealed-value';
import type { DocumentStore, Projection } from '@pz/projections';
import type { AccountEvent, LegalForm, OrganisationEvent } from './domain';
import { Grant, sameGrant } from './domain';

export const ACCOUNTS = 'accounts';
export const ORGANISATIONS = 'organisations';

export interface AccountView {
  personId: string;
  email: SealedValue;
  roles: Grant[];
  /** Organisations the person is a member of, in the order they joined. */
  organisations: string[];
  openedAt: string;
}

export interface OrganisationView {
  id: string;
  name: string;
  legalForm: LegalForm;
  charityNumber: string | null;
  companyNumber: string | null;
  members: string[];
  registeredAt: string;
}

/** Who has which roles and belongs where: what sign-in reads on every request. */
export const identityProjection: Projection = {
  name: 'identity',
  version: 1,
  collections: [ACCOUNTS, ORGANISATIONS],
  async apply(recorded: RecordedEvent, docs: DocumentStore) {
    const event = { type: recorded.type, data: recorded.data } as AccountEvent | OrganisationEvent;
    switch (event.type) {
      case 'AccountOpened':
        docs.put<AccountView>(ACCOUNTS, event.data.personId, { personId: event.data.personId, email: event.data.email, roles: [], organisations: [], openedAt: event.data.openedAt });
        return;
      case 'RoleGranted':
      case 'RoleRevoked': {
        const account = await docs.get<AccountView>(ACCOUNTS, event.data.personId);
        if (!account) return;
        const { role, zone, roundId } = event.data;
        const others = account.roles.filter((g) => !sameGrant(g, { role, zone, roundId }));
        docs.put<AccountView>(ACCOUNTS, account.personId, { ...account, roles: event.type === 'RoleGranted' ? [...others, { role, zone, roundId }] : others });
        return;
      }
      case 'OrganisationRegistered': {
        const { orgId, name, legalForm, charityNumber, companyNumber, registeredAt } = event.data;
        docs.put<OrganisationView>(ORGANISATIONS, orgId, { id: orgId, name, legalForm, charityNumber, companyNumber, members: [], registeredAt });
        return;
      }
      case 'MemberAdded':
      case 'MemberRemoved': {
        const { orgId, personId } = event.data;
        const added = event.type === 'MemberAdded';
        const org = await docs.get<OrganisationView>(ORGANISATIONS, orgId);
        if (org) docs.put<OrganisationView>(ORGANISATIONS, orgId, { ...org, members: added ? [...org.members.filter((m) => m !== personId), personId] : org.members.filter((m) => m !== personId) });
        const account = await docs.get<AccountView>(ACCOUNTS, personId);
        if (account) {
          const rest = account.organisations.filter((o) => o !== orgId);
          docs.put<AccountView>(ACCOUNTS, personId, { ...account, organisations: added ? [...rest, orgId] : rest });
        }
        return;
      }
      default:
        return;
    }
  },
};
