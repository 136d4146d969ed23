import { Injectable } from '@nestjs/common';
import { PersonalDataVault } from '@pz/people';
import { AuthUser, ReadModels, UserRole } from '@pz/platform';
import { ACCOUNTS, AccountView, ORGANISATIONS, OrganisationView } from './identity.projection';

/**
 * Who a person is to the service now: read on every request, so a role removed or a membership
 * ended takes effect on the person's next request, whatever their session or token says.
 */
@Injectable()
export class IdentityQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly vault: PersonalDataVault,
  ) {}

  account(personId: string): Promise<AccountView | undefined> {
    return this.readModels.documents.get<AccountView>(ACCOUNTS, personId);
  }

  accounts(): Promise<AccountView[]> {
    return this.readModels.documents.list<AccountView>(ACCOUNTS);
  }

  organisation(orgId: string): Promise<OrganisationView | undefined> {
    return this.readModels.documents.get<OrganisationView>(ORGANISATIONS, orgId);
  }

  async organisationsOf(personId: string): Promise<OrganisationView[]> {
    const account = await this.account(personId);
    const orgs = await Promise.all((account?.organisations ?? []).map((id) => this.organisation(id)));
    return orgs.filter((o): o is OrganisationView => o !== undefined);
  }

  /** The address, or null once the person was erased. */
  emailOf(account: AccountView): Promise<string | null> {
    return this.vault.open(account.email);
  }

  /**
   * The caller a person is now: the roles granted to them, `applicant` while they belong to an
   * organisation, acting for `actingOrg` if they still belong to it (else their first). A person
   * with no account (never signed in, or erased) is nobody.
   */
  async userFor(personId: string, actingOrg: string | null, options: { org?: string | null } = {}): Promise<AuthUser | null> {
    const account = await this.account(personId);
    if (!account) return null;
    const email = await this.vault.open(account.email);
    if (email === null) return null;
    const roles = new Set<UserRole>(account.roles.map((g) => g.role));
    if (account.organisations.length > 0) roles.add('applicant');
    let org: string | undefined;
    if (options.org !== undefined) {
      // A token acts for the one organisation it was made for (none: the person's other roles
      // only), and as no applicant at all once the person has left it.
      org = options.org !== null && account.organisations.includes(options.org) ? options.org : undefined;
      if (!org) roles.delete('applicant');
    } else {
      // A session acts for the organisation chosen, while the person still belongs to it, else their first.
      org = actingOrg && account.organisations.includes(actingOrg) ? actingOrg : account.organisations[0];
    }
    return { sub: personId, roles: [...roles], ...(org ? { org } : {}), email };
  }
}
