import { Inject, Injectable } from '@nestjs/common';
import { Duration } from 'luxon';
import { APP_CONFIG, AppConfig, AuthUser } from '@pz/platform';
import { IdentityQueries } from '../identity.queries';
import { CREDENTIAL_STORE, CredentialStore, SessionRecord } from './credential-store';
import { deviceOf, hashOf, newSecret } from './secrets';

/** A request moves a session's expiry on at most this often: one write a minute, not one a request. */
const TOUCH_EVERY_MS = 60_000;

export interface LiveSession {
  session: SessionRecord;
  user: AuthUser;
}

/**
 * Sessions for the web pages: the cookie holds a random id, the store its hash. A session ends
 * after SESSION_IDLE without a request, at sign-out, or when its person signs out everywhere;
 * who the person is (their roles, their organisations) is read afresh on every request.
 */
@Injectable()
export class Sessions {
  private readonly idleMs: number;

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly identity: IdentityQueries,
  ) {
    this.idleMs = Duration.fromISO(config.sessionIdle).toMillis();
  }

  /** A new session (a new id at every sign-in, so no id chosen before it can be ridden). */
  async start(personId: string, via: SessionRecord['via'], userAgent: string | undefined, now = new Date()): Promise<string> {
    const id = newSecret();
    const at = now.toISOString();
    await this.store.createSession({
      hash: hashOf(id),
      personId,
      actingOrg: null,
      via,
      device: deviceOf(userAgent),
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(now.getTime() + this.idleMs).toISOString(),
      endedAt: null,
    });
    return id;
  }

  /** The live session a cookie names, with who its person is now; null for anything else. */
  async resolve(id: string | undefined, now = new Date()): Promise<LiveSession | null> {
    if (!id || id.length > 100) return null;
    const hash = hashOf(id);
    const session = await this.store.findSession(hash, now.toISOString());
    if (!session) return null;
    const user = await this.identity.userFor(session.personId, session.actingOrg);
    if (!user) return null;
    if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      await this.store.touchSession(hash, now.toISOString(), new Date(now.getTime() + this.idleMs).toISOString());
    }
    return { session, user };
  }

  /** How long a session lasts without a request (for the cookie's own expiry). */
  get idleSeconds(): number {
    return Math.floor(this.idleMs / 1000);
  }

  end(id: string, now = new Date()): Promise<void> {
    return this.store.endSession(hashOf(id), now.toISOString());
  }

  endAll(personId: string, now = new Date()): Promise<number> {
    return this.store.endSessionsOf(personId, now.toISOString());
  }

  list(personId: string, now = new Date()): Promise<SessionRecord[]> {
    return this.store.liveSessionsOf(personId, now.toISOString());
  }

  actFor(id: string, org: string): Promise<void> {
    return this.store.setActingOrg(hashOf(id), org);
  }

  /** Whether a listed session is the one this cookie names. */
  isCurrent(session: SessionRecord, id: string): boolean {
    return session.hash === hashOf(id);
  }
}
