import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { CommandContext, executeCommand } from '@pz/platform';
import { AccountCommand, accountDecider, accountStreamId, OrganisationCommand, organisationDecider, organisationStreamId } from '../domain';

/** The load-decide-append of accounts and organisations, and the one way an address becomes an account. */
@Injectable()
export class IdentityStreams {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
  ) {}

  account(command: AccountCommand, context: CommandContext) {
    return executeCommand(this.store, accountStreamId(command.personId), accountDecider, command, context);
  }

  organisation(command: OrganisationCommand, context: CommandContext) {
    return executeCommand(this.store, organisationStreamId(command.orgId), organisationDecider, command, context);
  }

  /** The account of the person an address stands for, opened (with the address sealed) if it was not. */
  async openAccount(email: string, context: CommandContext): Promise<{ personId: string; position: number }> {
    const personId = await this.vault.personIdFor(email);
    const sealed = await this.vault.seal(personId, email.trim());
    const { position } = await this.account({ type: 'OpenAccount', personId, email: sealed, now: context.now }, context);
    return { personId, position };
  }
}
