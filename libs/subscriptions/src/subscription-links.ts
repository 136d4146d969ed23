import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, deriveKey } from '@pz/platform';
import { LEGACY_EPOCH } from './domain/subscription';

/**
 * The links in subscription emails are stateless: nothing is stored per link, and none can be
 * forged or guessed without the secret. Each is bound to what it acts on:
 *   confirm      `c.<subscriptionId>.<requestId>.<MAC>`   confirms that one request
 *   unsubscribe  `u.<subscriptionId>.<epoch>.<MAC>`       ends that one epoch of the subscription
 * Links sent before double opt-in, `<subscriptionId>.<MAC>`, still unsubscribe the subscription
 * they were sent for (the legacy epoch), and no later one.
 */
export type LinkPurpose = 'confirm' | 'unsubscribe';

export type LinkCheck =
  | { ok: true; purpose: LinkPurpose; subscriptionId: string; ref: string }
  | { ok: false; reason: 'malformed' | 'invalid' };

const ID = '[A-Za-z0-9_-]{1,100}';
const MAC = '[A-Za-z0-9_-]{43}';
const CURRENT = new RegExp(`^([cu])\\.(${ID})\\.(${ID})\\.(${MAC})$`);
const LEGACY = new RegExp(`^(${ID})\\.(${MAC})$`);
const PREFIX: Record<LinkPurpose, string> = { confirm: 'c', unsubscribe: 'u' };

export function linkToken(purpose: LinkPurpose, subscriptionId: string, ref: string, secret: Buffer): string {
  return `${PREFIX[purpose]}.${subscriptionId}.${ref}.${mac(`${purpose}:${subscriptionId}:${ref}`, secret).toString('base64url')}`;
}

export function verifyLinkToken(token: unknown, secret: Buffer): LinkCheck {
  if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
  const current = CURRENT.exec(token);
  if (current) {
    const [, prefix, subscriptionId, ref, given] = current;
    const purpose: LinkPurpose = prefix === 'c' ? 'confirm' : 'unsubscribe';
    return macMatches(given, mac(`${purpose}:${subscriptionId}:${ref}`, secret)) ? { ok: true, purpose, subscriptionId, ref } : { ok: false, reason: 'invalid' };
  }
  const legacy = LEGACY.exec(token);
  if (legacy) {
    const [, subscriptionId, given] = legacy;
    return macMatches(given, mac(`${subscriptionId}:unsubscribe`, secret))
      ? { ok: true, purpose: 'unsubscribe', subscriptionId, ref: LEGACY_EPOCH }
      : { ok: false, reason: 'invalid' };
  }
  return { ok: false, reason: 'malformed' };
}

/** The token of a link sent before double opt-in (kept so tests can send one). */
export function legacyUnsubscribeToken(subscriptionId: string, secret: Buffer): string {
  return `${subscriptionId}.${mac(`${subscriptionId}:unsubscribe`, secret).toString('base64url')}`;
}

/**
 * Where a link goes: the page a person opens (`/alerts/...`, whose button POSTs), or the API path
 * a mail client POSTs to for a one-click unsubscribe (RFC 8058, no page and no cookies).
 */
export function linkUrl(publicUrl: string, purpose: LinkPurpose, token: string, to: 'page' | 'one-click' = 'page'): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/${to === 'page' ? 'alerts' : 'subscriptions'}/${purpose}?token=${encodeURIComponent(token)}`;
}

function mac(text: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}

/** Compared in constant time, so the response time does not reveal how much of a guess was right. */
function macMatches(given: string, expected: Buffer): boolean {
  const presented = Buffer.from(given, 'base64url');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * The same functions bound to this service's secret and PUBLIC_URL. The secret is derived from
 * the service's master secret, so rotating that retires every link sent before (see
 * docs/design/crypto-shredding.md).
 */
@Injectable()
export class SubscriptionLinks {
  private readonly secret: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secret = deriveKey(config, 'unsubscribe-link');
  }

  confirmUrl(subscriptionId: string, requestId: string): string {
    return linkUrl(this.config.publicUrl, 'confirm', linkToken('confirm', subscriptionId, requestId, this.secret));
  }

  unsubscribeUrl(subscriptionId: string, epoch: string): string {
    return linkUrl(this.config.publicUrl, 'unsubscribe', linkToken('unsubscribe', subscriptionId, epoch, this.secret));
  }

  /** For List-Unsubscribe: mail clients POST there without a page or cookies (RFC 8058). */
  oneClickUnsubscribeUrl(subscriptionId: string, epoch: string): string {
    return linkUrl(this.config.publicUrl, 'unsubscribe', linkToken('unsubscribe', subscriptionId, epoch, this.secret), 'one-click');
  }

  verify(token: unknown): LinkCheck {
    return verifyLinkToken(token, this.secret);
  }

  /** For tests that hold a link sent before double opt-in. */
  legacyUnsubscribeToken(subscriptionId: string): string {
    return legacyUnsubscribeToken(subscriptionId, this.secret);
  }
}
