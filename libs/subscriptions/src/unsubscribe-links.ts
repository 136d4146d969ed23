import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { deriveSecret } from '@pz/people';

/**
 * Unsubscribe links are stateless: `<subscriptionId>.<MAC>`. Nothing is stored per link, any
 * alert ever sent keeps working, and a link cannot be forged or guessed without the secret.
 */
const TOKEN = /^([A-Za-z0-9_-]{1,100})\.([A-Za-z0-9_-]{43})$/;

export type UnsubscribeTokenCheck =
  | { ok: true; subscriptionId: string }
  | { ok: false; reason: 'malformed' | 'invalid' };

export function unsubscribeToken(subscriptionId: string, secret: string | Buffer): string {
  return `${subscriptionId}.${mac(subscriptionId, secret).toString('base64url')}`;
}

export function verifyUnsubscribeToken(token: unknown, secret: string | Buffer): UnsubscribeTokenCheck {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null;
  if (!match) return { ok: false, reason: 'malformed' };
  const [, subscriptionId, given] = match;
  const expected = mac(subscriptionId, secret);
  const presented = Buffer.from(given, 'base64url');
  // Compared in constant time so the response time does not reveal how much of a guess was right.
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, subscriptionId };
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`;
}

function mac(subscriptionId: string, secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${subscriptionId}:unsubscribe`, 'utf8').digest();
}

/**
 * The same functions bound to this service's secret and PUBLIC_URL, for the alert sender.
 * The secret is derived from AUTH_JWT_SECRET, so rotating that secret retires every link sent
 * before (see docs/design/crypto-shredding.md).
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly secret: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secret = deriveSecret(config.authJwtSecret, 'unsubscribe-link');
  }

  token(subscriptionId: string): string {
    return unsubscribeToken(subscriptionId, this.secret);
  }

  url(subscriptionId: string): string {
    return unsubscribeUrl(this.config.publicUrl, this.token(subscriptionId));
  }

  verify(token: unknown): UnsubscribeTokenCheck {
    return verifyUnsubscribeToken(token, this.secret);
  }
}
