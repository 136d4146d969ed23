import type { AccessTokenRecord, SessionRecord, SignInLinkRecord } from './credential-store';

/** The credential tables' rows as both SQL adapters store them (snake_case columns), and their records. */
export interface SessionRow {
  hash: string;
  person_id: string;
  acting_org: string | null;
  via: 'email' | 'oidc';
  device: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ended_at: string | null;
}

export interface TokenRow {
  id: string;
  person_id: string;
  name: string;
  hash: string;
  org: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface LinkRow {
  hash: string;
  person_id: string;
  sealed_email: string;
  next: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export const sessionOf = (r: SessionRow): SessionRecord => ({
  hash: r.hash,
  personId: r.person_id,
  actingOrg: r.acting_org,
  via: r.via,
  device: r.device,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  endedAt: r.ended_at,
});

export const tokenOf = (r: TokenRow): AccessTokenRecord => ({
  id: r.id,
  personId: r.person_id,
  name: r.name,
  hash: r.hash,
  org: r.org,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export const linkOf = (r: LinkRow): SignInLinkRecord => ({
  hash: r.hash,
  personId: r.person_id,
  sealedEmail: r.sealed_email,
  next: r.next,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});
