import type { AccessTokenRecord, CredentialStore, SessionRecord, SignInLinkRecord } from '../credential-store';

export interface CredentialStoreFixture {
  store: CredentialStore;
  /** A second handle on the same storage, as another process would hold. */
  another(): Promise<CredentialStore>;
  close(): Promise<void>;
}

const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T10:05:00.000Z';
const T2 = '2026-11-28T10:20:00.000Z';
const ALICE = 'person-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'person-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

const aLink = (o: Partial<SignInLinkRecord> = {}): SignInLinkRecord => ({
  hash: 'h'.repeat(64),
  personId: ALICE,
  sealedEmail: '{"$pii":1}',
  next: '/my',
  createdAt: T0,
  expiresAt: '2026-11-28T10:15:00.000Z',
  usedAt: null,
  ...o,
});
const aSession = (o: Partial<SessionRecord> = {}): SessionRecord => ({
  hash: 's'.repeat(64),
  personId: ALICE,
  actingOrg: null,
  via: 'email',
  device: 'Firefox on Linux',
  createdAt: T0,
  lastSeenAt: T0,
  expiresAt: '2026-11-28T12:00:00.000Z',
  endedAt: null,
  ...o,
});
const aToken = (o: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
  id: 'tok1',
  personId: ALICE,
  name: 'Scoring script',
  hash: 't'.repeat(64),
  org: null,
  createdAt: T0,
  expiresAt: '2027-01-28T10:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  ...o,
});

/** What every store of sign-in credentials must do, whatever stands behind it. */
export function credentialStoreContract(name: string, open: () => Promise<CredentialStoreFixture>): void {
  describe(`CredentialStore contract: ${name}`, () => {
    let fixture: CredentialStoreFixture;
    let store: CredentialStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => fixture.close());

    describe('sign-in links', () => {
      it('uses a link once, and says why a second use or a late one is refused', async () => {
        await store.putSignInLink(aLink());
        await store.putSignInLink(aLink({ hash: 'e'.repeat(64) }));
        expect(await store.findSignInLink('h'.repeat(64))).toEqual(aLink());
        expect(await store.useSignInLink('h'.repeat(64), T1)).toEqual({ ok: true, link: aLink({ usedAt: T1 }) });
        expect(await store.useSignInLink('h'.repeat(64), T1)).toEqual({ ok: false, reason: 'used' });
        expect(await store.useSignInLink('e'.repeat(64), T2)).toEqual({ ok: false, reason: 'expired' });
        expect(await store.useSignInLink('x'.repeat(64), T1)).toEqual({ ok: false, reason: 'unknown' });
      });

      it('lets only one of two processes use the same link', async () => {
        await store.putSignInLink(aLink());
        const other = await fixture.another();
        const uses = await Promise.all([store.useSignInLink('h'.repeat(64), T1), other.useSignInLink('h'.repeat(64), T1)]);
        expect(uses.filter((u) => u.ok)).toHaveLength(1);
        await other.close();
      });

      it('counts the links made for a person since a moment', async () => {
        await store.putSignInLink(aLink({ hash: '1'.repeat(64), createdAt: T0 }));
        await store.putSignInLink(aLink({ hash: '2'.repeat(64), createdAt: T1 }));
        await store.putSignInLink(aLink({ hash: '3'.repeat(64), personId: BOB, createdAt: T1 }));
        expect(await store.countSignInLinks(ALICE, T0)).toBe(2);
        expect(await store.countSignInLinks(ALICE, T1)).toBe(1);
        expect(await store.countSignInLinks(BOB, T2)).toBe(0);
      });
    });

    describe('sessions', () => {
      it('finds a live session, moves its expiry on, and not once it has expired or ended', async () => {
        await store.createSession(aSession());
        expect(await store.findSession('s'.repeat(64), T1)).toEqual(aSession());
        await store.touchSession('s'.repeat(64), T1, '2026-11-28T12:05:00.000Z');
        expect(await store.findSession('s'.repeat(64), '2026-11-28T12:01:00.000Z')).toMatchObject({ lastSeenAt: T1 });
        expect(await store.findSession('s'.repeat(64), '2026-11-28T12:05:00.000Z')).toBeUndefined();
        await store.endSession('s'.repeat(64), T2);
        expect(await store.findSession('s'.repeat(64), T2)).toBeUndefined();
        // An ended session is not brought back by a late touch.
        await store.touchSession('s'.repeat(64), T2, '2026-11-28T14:00:00.000Z');
        expect(await store.findSession('s'.repeat(64), T2)).toBeUndefined();
      });

      it('keeps the organisation a person acts for', async () => {
        await store.createSession(aSession());
        await store.setActingOrg('s'.repeat(64), 'org-a');
        expect(await store.findSession('s'.repeat(64), T1)).toMatchObject({ actingOrg: 'org-a' });
      });

      it("ends every session of one person, and only theirs, seen from another process at once", async () => {
        await store.createSession(aSession({ hash: '1'.repeat(64) }));
        await store.createSession(aSession({ hash: '2'.repeat(64), via: 'oidc' }));
        await store.createSession(aSession({ hash: '3'.repeat(64), personId: BOB }));
        expect((await store.liveSessionsOf(ALICE, T1)).map((s) => s.hash).sort()).toEqual(['1'.repeat(64), '2'.repeat(64)]);
        expect(await store.endSessionsOf(ALICE, T1)).toBe(2);
        const other = await fixture.another();
        expect(await other.findSession('1'.repeat(64), T1)).toBeUndefined();
        expect(await other.findSession('3'.repeat(64), T1)).toMatchObject({ personId: BOB });
        expect(await other.liveSessionsOf(ALICE, T1)).toEqual([]);
        await other.close();
      });
    });

    describe('personal access tokens', () => {
      it('keeps a token, lists a person’s own, and lets only its owner revoke it', async () => {
        await store.putAccessToken(aToken());
        await store.putAccessToken(aToken({ id: 'tok2', personId: BOB }));
        expect(await store.findAccessToken('tok1')).toEqual(aToken());
        expect((await store.accessTokensOf(ALICE)).map((t) => t.id)).toEqual(['tok1']);
        expect(await store.revokeAccessToken('tok1', BOB, T1)).toBe(false);
        expect(await store.findAccessToken('tok1')).toMatchObject({ revokedAt: null });
        expect(await store.revokeAccessToken('tok1', ALICE, T1)).toBe(true);
        expect(await store.findAccessToken('tok1')).toMatchObject({ revokedAt: T1 });
        await store.touchAccessToken('tok2', T2);
        expect(await store.findAccessToken('tok2')).toMatchObject({ lastUsedAt: T2 });
      });
    });

    describe('saved forms', () => {
      it('gives a saved form back once, and never after it expired', async () => {
        await store.saveForm({ id: 'f1', personId: ALICE, path: '/my/organisation', sealedFields: 'c2VhbGVk', expiresAt: T2 });
        await store.saveForm({ id: 'f2', personId: null, path: '/alerts', sealedFields: 'c2VhbGVk', expiresAt: T1 });
        expect(await store.takeForm('f1', T1)).toEqual({ id: 'f1', personId: ALICE, path: '/my/organisation', sealedFields: 'c2VhbGVk', expiresAt: T2 });
        expect(await store.takeForm('f1', T1)).toBeUndefined();
        expect(await store.takeForm('f2', T2)).toBeUndefined();
      });
    });

    it('purges what has expired', async () => {
      await store.putSignInLink(aLink());
      await store.createSession(aSession());
      await store.purge('2026-11-28T13:00:00.000Z');
      expect(await store.findSignInLink('h'.repeat(64))).toBeUndefined();
      expect(await store.liveSessionsOf(ALICE, T0)).toEqual([]);
    });
  });
}
