import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Mailer } from '@pz/notifications/mail';
import { PersonalDataVault } from '@pz/people';
import { isSealed } from '@pz/people/sealed-value';
import { APP_CONFIG, AppConfig, CommandContext, ReadModels } from '@pz/platform';
import { GrantRoleCommand, OpenAccountCommand } from '../commands/identity-commands';
import { IdentityQueries } from '../identity.queries';
import { CREDENTIAL_STORE, CredentialStore } from './credential-store';
import { hashOf, newSecret } from './secrets';

/** web.md: a link works for 15 minutes, once. */
export const LINK_LIFETIME_MS = 15 * 60_000;
/** Links one address may be sent in a quarter of an hour; more are quietly not sent. */
export const LINKS_PER_ADDRESS = 5;

export type LinkCheck = { ok: true; email: string; next: string | null } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Where a person may be sent after signing in: a path on this service, never another site. */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 500 ? next : null;
}

/**
 * Sign-in by a link sent by email (web.md): no password to forget. The same answer whatever the
 * address (anyone may sign in; an address new to the service becomes an account when its link is
 * used), so nothing is learnt about who uses the service. The link's page names the address and
 * signs in only with its button's POST: mail scanners open every link in a message.
 */
@Injectable()
export class SignInLinks {
  private readonly logger = new Logger('SignIn');

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: PersonalDataVault,
    private readonly mailer: Mailer,
    private readonly commands: CommandBus,
    private readonly identity: IdentityQueries,
    private readonly readModels: ReadModels,
  ) {}

  /** Emails a link to `email` unless too many were sent to it lately; answers nothing either way. */
  async send(email: string, next: string | null, now = new Date()): Promise<void> {
    const personId = await this.vault.personIdFor(email);
    const since = new Date(now.getTime() - LINK_LIFETIME_MS).toISOString();
    if ((await this.store.countSignInLinks(personId, since)) >= LINKS_PER_ADDRESS) {
      this.logger.warn(`sign-in links: limit reached for ${personId}`);
      return;
    }
    const secret = newSecret();
    const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS).toISOString();
    const sealed = await this.vault.seal(personId, email.trim());
    await this.store.putSignInLink({ hash: hashOf(secret), personId, sealedEmail: JSON.stringify(sealed), next: safeNext(next), createdAt: now.toISOString(), expiresAt, usedAt: null });
    try {
      await this.mailer.send({ to: email.trim(), template: 'sign-in-link', data: { signInUrl: `${this.config.publicUrl}/sign-in/link?token=${secret}`, expiresAt } });
    } catch (error) {
      // A refused address answers like any other: the page must not tell one address from another.
      this.logger.warn(`sign-in link for ${personId} not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** What the link's page shows: the address it signs in, or why it cannot. Uses nothing. */
  async check(token: unknown, now = new Date()): Promise<LinkCheck> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'unknown' };
    const link = await this.store.findSignInLink(hashOf(token));
    if (!link) return { ok: false, reason: 'unknown' };
    if (link.usedAt !== null) return { ok: false, reason: 'used' };
    if (link.expiresAt <= now.toISOString()) return { ok: false, reason: 'expired' };
    const email = await this.openEmail(link.sealedEmail);
    return email === null ? { ok: false, reason: 'unknown' } : { ok: true, email, next: link.next };
  }

  /**
   * Uses the link: the person's account is opened if it was not (an address in ADMIN_EMAILS is
   * made staff on its first sign-in), and the person id returned for a new session.
   */
  async use(token: unknown, context: CommandContext, now = new Date()): Promise<{ ok: true; personId: string; next: string | null } | { ok: false; reason: 'unknown' | 'used' | 'expired' }> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'unknown' };
    const used = await this.store.useSignInLink(hashOf(token), now.toISOString());
    if (!used.ok) return used;
    const email = await this.openEmail(used.link.sealedEmail);
    if (email === null) return { ok: false, reason: 'unknown' };
    const personId = await this.signedIn(email, context);
    return { ok: true, personId, next: used.link.next };
  }

  /** Opens the account of an address that has just proved itself (by link, or by the OpenID provider). */
  async signedIn(email: string, context: CommandContext): Promise<string> {
    const signInContext = { ...context, actor: { sub: 'sign-in', role: 'system' as const } };
    const { personId, position } = await this.commands.execute(new OpenAccountCommand({ email }, signInContext));
    let last = position;
    if (this.config.adminEmails.some((a) => a.toLowerCase() === email.trim().toLowerCase())) {
      const account = await this.readModels.waitFor(position).then(() => this.identity.account(personId));
      if (!account?.roles.some((g) => g.role === 'staff')) {
        last = (await this.commands.execute(new GrantRoleCommand({ email, role: 'staff', zone: null, roundId: null, reason: 'Listed in ADMIN_EMAILS' }, signInContext))).position;
      }
    }
    await this.readModels.waitFor(last);
    return personId;
  }

  private async openEmail(sealedJson: string): Promise<string | null> {
    const sealed: unknown = JSON.parse(sealedJson);
    return isSealed(sealed) ? this.vault.open(sealed) : null;
  }
}
