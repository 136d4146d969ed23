import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuthUser } from '@pz/platform';
import { IdentityQueries } from '../identity.queries';
import { AccessTokenRecord, CREDENTIAL_STORE, CredentialStore } from './credential-store';
import { hashOf, newSecret, sameHash } from './secrets';

/** Personal access tokens start with this, so a leaked one is recognisable (secret scanners look for prefixes). */
export const TOKEN_PREFIX = 'pzat_';
const TOKEN = /^pzat_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
export const MAX_TOKEN_DAYS = 366;

/**
 * Personal access tokens (web.md): made on /account, shown once, stored hashed, expiring,
 * revocable; they act with the person's roles as they are at each request (and, for an
 * applicant, for the one organisation chosen when the token was made).
 */
@Injectable()
export class AccessTokens {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    private readonly identity: IdentityQueries,
  ) {}

  async create(personId: string, input: { name: string; days: number; org: string | null }, now = new Date()): Promise<{ token: string; record: AccessTokenRecord }> {
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const secret = newSecret();
    const record: AccessTokenRecord = {
      id,
      personId,
      name: input.name,
      hash: hashOf(secret),
      org: input.org,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.days * 86_400_000).toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.putAccessToken(record);
    return { token: `${TOKEN_PREFIX}${id}_${secret}`, record };
  }

  /** The caller a token stands for now, or null (unknown, altered, revoked, expired, or its person has no access left). */
  async verify(token: string, now = new Date()): Promise<AuthUser | null> {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const record = await this.store.findAccessToken(match[1]);
    if (!record || !sameHash(record.hash, hashOf(match[2])) || record.revokedAt !== null || record.expiresAt <= now.toISOString()) return null;
    const user = await this.identity.userFor(record.personId, null, { org: record.org });
    if (!user) return null;
    // Last use to the minute is enough to spot a forgotten token; not a write per request.
    if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) >= 60_000) await this.store.touchAccessToken(record.id, now.toISOString());
    return user;
  }

  list(personId: string): Promise<AccessTokenRecord[]> {
    return this.store.accessTokensOf(personId);
  }

  revoke(id: string, personId: string, now = new Date()): Promise<boolean> {
    return this.store.revokeAccessToken(id, personId, now.toISOString());
  }
}
