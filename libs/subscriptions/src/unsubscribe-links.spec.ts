import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-links';

const SECRET = Buffer.alloc(32, 7);
const ID = 'person-0123456789abcdef0123456789abcdef';

describe('unsubscribe tokens', () => {
  it('are the subscription id and a base64url HMAC, and verify back to the id', () => {
    const token = unsubscribeToken(ID, SECRET);
    expect(token).toMatch(/^person-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual({ ok: true, subscriptionId: ID });
  });

  it('refuse a token for another id, an altered MAC or another secret as invalid', () => {
    const token = unsubscribeToken(ID, SECRET);
    const [, macPart] = token.split('.');
    const otherId = 'person-ffffffffffffffffffffffffffffffff';
    const flipped = (macPart[0] === 'A' ? 'B' : 'A') + macPart.slice(1);
    expect(verifyUnsubscribeToken(`${otherId}.${macPart}`, SECRET)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUnsubscribeToken(`${ID}.${flipped}`, SECRET)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUnsubscribeToken(token, Buffer.alloc(32, 8))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuse anything not shaped like a token as malformed', () => {
    for (const bad of [undefined, '', 'abc', `${ID}.`, `${ID}.short`, `${ID}.${'a'.repeat(44)}`, ['a', 'b'], `a b.${'a'.repeat(43)}`]) {
      expect(verifyUnsubscribeToken(bad, SECRET)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('build an absolute link under PUBLIC_URL, with or without a trailing slash', () => {
    const token = unsubscribeToken(ID, SECRET);
    const url = unsubscribeUrl('https://grants.example.org/', token);
    expect(url).toBe(`https://grants.example.org/subscriptions/unsubscribe?token=${token}`);
    expect(new URL(url).searchParams.get('token')).toBe(token);
    expect(unsubscribeUrl('http://localhost:3000', token)).toBe(`http://localhost:3000/subscriptions/unsubscribe?token=${token}`);
  });
});
