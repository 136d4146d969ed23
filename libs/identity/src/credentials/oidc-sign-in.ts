import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { PersonalDataVault } from '@pz/people';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { IdentityQueries } from '../identity.queries';

/** What the browser keeps between leaving for the provider and coming back (in a signed, HttpOnly cookie). */
export interface OidcAttempt {
  state: string;
  nonce: string;
  verifier: string;
  next: string | null;
}

export type OidcOutcome = { ok: true; email: string; next: string | null } | { ok: false; reason: 'not-staff' | 'failed' };

/**
 * Staff and auditors may sign in through the funder's OpenID Connect provider (web.md) when it is
 * configured: authorisation code with PKCE, state and nonce (openid-client). The provider proves
 * the address; the service decides the role: only an address granted staff or auditor (or listed
 * in ADMIN_EMAILS) gets in this way. Everyone else signs in by email link.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OIDC');
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: PersonalDataVault,
    private readonly identity: IdentityQueries,
  ) {}

  /** Plain http to the provider only while developing or testing (a provider on loopback). */
  private get developing(): boolean {
    return this.config.nodeEnv === 'development' || this.config.nodeEnv === 'test';
  }

  get enabled(): boolean {
    return this.config.oidc !== null;
  }

  get redirectUri(): string {
    return `${this.config.publicUrl}/sign-in/oidc/callback`;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async start(next: string | null): Promise<{ url: string; attempt: OidcAttempt }> {
    const configuration = await this.configuration();
    const attempt: OidcAttempt = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url: url.href, attempt };
  }

  /** The provider's answer (the callback URL), checked against what was remembered. */
  async finish(callbackUrl: URL, attempt: OidcAttempt): Promise<OidcOutcome> {
    let email: string;
    try {
      const configuration = await this.configuration();
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: attempt.verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Providers that issue an access token may keep the address for the userinfo endpoint.
      const claims = typeof idToken.email === 'string' ? idToken : await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      // The address is the whole claim to a role, so the provider must vouch for it: an unverified
      // (or merely unstated) address could be one a user chose for themselves.
      if (typeof claims.email !== 'string' || claims.email_verified !== true) return { ok: false, reason: 'failed' };
      email = claims.email;
    } catch (error) {
      this.logger.warn(`sign-in refused by the OpenID exchange: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, reason: 'failed' };
    }
    return (await this.staffOrAuditor(email)) ? { ok: true, email, next: attempt.next } : { ok: false, reason: 'not-staff' };
  }

  private async staffOrAuditor(email: string): Promise<boolean> {
    if (this.config.adminEmails.some((a) => a.toLowerCase() === email.trim().toLowerCase())) return true;
    const account = await this.identity.account(await this.vault.personIdFor(email));
    return Boolean(account?.roles.some((g) => g.role === 'staff' || g.role === 'auditor'));
  }

  private configuration(): Promise<client.Configuration> {
    const oidc = this.config.oidc;
    if (!oidc) return Promise.reject(new Error('OpenID Connect is not configured'));
    // Discovered once, on first use; a failed discovery is tried again on the next sign-in.
    this.discovered ??= client
      .discovery(new URL(oidc.issuerUrl), oidc.clientId, oidc.clientSecret, undefined, oidc.issuerUrl.startsWith('http:') && this.developing ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        this.discovered = null;
        throw error;
      });
    return this.discovered;
  }
}
