import { Global, Module, OnModuleInit } from '@nestjs/common';
import { NotificationsMailModule } from '@pz/notifications/mail';
import { PERSONAL_TOKENS, PersonalTokens, ReadModels, SQLITE_CONNECTIONS, SqliteConnections } from '@pz/platform';
import { IDENTITY_HANDLERS } from './commands/identity-commands';
import { AccessTokens, TOKEN_PREFIX } from './credentials/access-tokens';
import { CREDENTIAL_STORE } from './credentials/credential-store';
import { CredentialHousekeeping } from './credentials/credential-housekeeping';
import { OidcSignIn } from './credentials/oidc-sign-in';
import { SavedForms } from './credentials/saved-forms';
import { Sessions } from './credentials/sessions';
import { SignInLinks } from './credentials/sign-in-links';
import { SqliteCredentialStore } from './credentials/sqlite/sqlite-credential-store';
import { identityProjection } from './identity.projection';
import { IdentityQueries } from './identity.queries';

/**
 * People, organisations and roles (events), and signing in (sessions, sign-in links, personal
 * access tokens). Global: every feature's pages and the API's guard ask who the caller is.
 */
@Global()
@Module({
  imports: [NotificationsMailModule],
  providers: [
    {
      provide: CREDENTIAL_STORE,
      // Durable as the events: a session or a token acknowledged is not lost by a power cut.
      useFactory: (sqlite: SqliteConnections) => new SqliteCredentialStore(sqlite.records),
      inject: [SQLITE_CONNECTIONS],
    },
    ...IDENTITY_HANDLERS,
    IdentityQueries,
    Sessions,
    SignInLinks,
    AccessTokens,
    SavedForms,
    OidcSignIn,
    CredentialHousekeeping,
    {
      provide: PERSONAL_TOKENS,
      useFactory: (tokens: AccessTokens): PersonalTokens => ({ prefix: TOKEN_PREFIX, verify: (token) => tokens.verify(token) }),
      inject: [AccessTokens],
    },
  ],
  exports: [CREDENTIAL_STORE, IdentityQueries, Sessions, SignInLinks, AccessTokens, SavedForms, OidcSignIn, PERSONAL_TOKENS],
})
export class IdentityModule implements OnModuleInit {
  constructor(private readonly readModels: ReadModels) {}

  onModuleInit(): void {
    this.readModels.register(identityProjection);
  }
}
