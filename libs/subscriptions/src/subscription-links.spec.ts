import { LEGACY_EPOCH } from './domain/subscription';
import { legacyUnsubscribeToken, linkToken, linkUrl, verifyLinkToken } from './subscription-links';

const SECRET = Buffer.alloc(32, 7);
const ID = 'person-0123456789abcdef0123456789abcdef';
const REQUEST = '6f1c2a3e-7b4d-4c8e-9a51-2d0f3b6e8c17';

describe('subscription link tokens', () => {
  it('carry their purpose, the subscription, what they act on, and a base64url HMAC', () => {
    const confirm = linkToken('confirm', ID, REQUEST, SECRET);
    expect(confirm).toMatch(/^c\.person-[0-9a-f]{32}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyLinkToken(confirm, SECRET)).toEqual({ ok: true, purpose: 'confirm', subscriptionId: ID, ref: REQUEST });
    const unsubscribe = linkToken('unsubscribe', ID, REQUEST, SECRET);
    expect(verifyLinkToken(unsubscribe, SECRET)).toEqual({ ok: true, purpose: 'unsubscribe', subscriptionId: ID, ref: REQUEST });
  });

  it('refuse a token turned to another purpose, subscription or epoch, an altered MAC, or another secret', () => {
    const token = linkToken('unsubscribe', ID, REQUEST, SECRET);
    const [, , , macPart] = token.split('.');
    const flipped = (macPart[0] === 'A' ? 'B' : 'A') + macPart.slice(1);
    const invalid = { ok: false, reason: 'invalid' };
    expect(verifyLinkToken(`c.${ID}.${REQUEST}.${macPart}`, SECRET)).toEqual(invalid);
    expect(verifyLinkToken(`u.person-${'f'.repeat(32)}.${REQUEST}.${macPart}`, SECRET)).toEqual(invalid);
    expect(verifyLinkToken(`u.${ID}.another-epoch.${macPart}`, SECRET)).toEqual(invalid);
    expect(verifyLinkToken(`u.${ID}.${REQUEST}.${flipped}`, SECRET)).toEqual(invalid);
    expect(verifyLinkToken(token, Buffer.alloc(32, 8))).toEqual(invalid);
  });

  it('read a link sent before double opt-in as unsubscribing the subscription it was sent for', () => {
    const token = legacyUnsubscribeToken(ID, SECRET);
    expect(token).toMatch(/^person-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyLinkToken(token, SECRET)).toEqual({ ok: true, purpose: 'unsubscribe', subscriptionId: ID, ref: LEGACY_EPOCH });
    expect(verifyLinkToken(`person-${'f'.repeat(32)}.${token.split('.')[1]}`, SECRET)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuse anything not shaped like a token as malformed', () => {
    for (const bad of [undefined, '', 'abc', `${ID}.`, `${ID}.short`, `${ID}.${'a'.repeat(44)}`, ['a', 'b'], `a b.${'a'.repeat(43)}`, `x.${ID}.${REQUEST}.${'a'.repeat(43)}`]) {
      expect(verifyLinkToken(bad, SECRET)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('build absolute links under PUBLIC_URL, with or without a trailing slash', () => {
    const token = linkToken('confirm', ID, REQUEST, SECRET);
    const url = linkUrl('https://grants.example.org/', 'confirm', token);
    expect(url).toBe(`https://grants.example.org/alerts/confirm?token=${token}`);
    expect(new URL(url).searchParams.get('token')).toBe(token);
    expect(linkUrl('http://localhost:3000', 'unsubscribe', token)).toBe(`http://localhost:3000/alerts/unsubscribe?token=${token}`);
    // Mail clients' one-click POST goes to the API, which needs no page and no cookie.
    expect(linkUrl('http://localhost:3000/', 'unsubscribe', token, 'one-click')).toBe(`http://localhost:3000/subscriptions/unsubscribe?token=${token}`);
  });
});
