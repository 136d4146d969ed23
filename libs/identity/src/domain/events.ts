import type { DomainEvent } from '@pz/platform/domain';
import type { SealedValue } from '@pz/people/sealed-value';

/** Roles staff grant (web.md: "Roles are granted, not claimed"); `applicant` comes from belonging to an organisation. */
export type GrantableRole = 'panel' | 'staff' | 'auditor';
export const GRANTABLE_ROLES: readonly GrantableRole[] = ['panel', 'staff', 'auditor'];

/** Where a panel role applies: a zone's steering group, or one round's panel; staff and auditors have no scope. */
export interface RoleScope {
  zone: string | null;
  roundId: string | null;
}

export interface AccountOpenedData {
  personId: string;
  /** Sealed under the person's own key: erasing them erases it. */
  email: SealedValue;
  openedAt: string;
}

export interface RoleGrantedData extends RoleScope {
  personId: string;
  role: GrantableRole;
  reason: string;
  grantedAt: string;
}

export interface RoleRevokedData extends RoleScope {
  personId: string;
  role: GrantableRole;
  reason: string;
  revokedAt: string;
}

export type AccountEvent =
  | DomainEvent<'AccountOpened', AccountOpenedData>
  | DomainEvent<'RoleGranted', RoleGrantedData>
  | DomainEvent<'RoleRevoked', RoleRevokedData>;

export const LEGAL_FORMS = {
  'unincorporated-association': 'Community or voluntary group (not incorporated)',
  'charitable-incorporated-organisation': 'Charitable incorporated organisation (CIO)',
  'charitable-company': 'Charitable company',
  'charitable-trust': 'Charitable trust',
  'community-interest-company': 'Community interest company (CIC)',
  'company-limited-by-guarantee': 'Company limited by guarantee',
  'community-benefit-society': 'Community benefit society',
  other: 'Something else',
} as const;
export type LegalForm = keyof typeof LEGAL_FORMS;

export interface OrganisationRegisteredData {
  orgId: string;
  name: string;
  legalForm: LegalForm;
  /** Charity Commission (England and Wales) number, when registered. */
  charityNumber: string | null;
  /** Companies House number, when incorporated. */
  companyNumber: string | null;
  registeredBy: string;
  registeredAt: string;
}

export interface MemberAddedData {
  orgId: string;
  personId: string;
  addedBy: string;
  addedAt: string;
}

export interface MemberRemovedData {
  orgId: string;
  personId: string;
  removedBy: string;
  removedAt: string;
}

export type OrganisationEvent =
  | DomainEvent<'OrganisationRegistered', OrganisationRegisteredData>
  | DomainEvent<'MemberAdded', MemberAddedData>
  | DomainEvent<'MemberRemoved', MemberRemovedData>;
