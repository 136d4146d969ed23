import { JwtService } from '@nestjs/jwt';
import { CLOCK_SKEW_SECONDS, MachineTokens, TokenRefused } from './machine-tokens';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const NOW = Date.parse('2026-11-28T12:00:00.000Z');
const nowSeconds = NOW / 1000;
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Signs exactly the claims given: jsonwebtoken adds no iat when the claims have none (noTimestamp). */
const sign = (claims: Record<string, unknown>, secret = SECRET) =>
  new JwtService().sign({ sub: 'ops-1', roles: ['staff'], ...claims }, { secret, algorithm: 'HS256', noTimestamp: !('iat' in claims) });

const tokens = (policy: Partial<ConstructorParameters<typeof MachineTokens>[0]> = {}) =>
  new MachineTokens({ secret: SECRET, maxAge: 'P1D', ...policy });

async function refusal(verifier: MachineTokens, token: string): Promise<string> {
  const error = await verifier.verify(token, NOW).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TokenRefused);
  return (error as Error).message;
}

describe('MachineTokens (HS256 JWTs signed with AUTH_JWT_SECRET)', () => {
  it('accepts a token that expires within the allowed lifetime', async () => {
    const user = await tokens().verify(sign({ iat: nowSeconds, exp: nowSeconds + 8 * HOUR }), NOW);
    expect(user).toEqual({ sub: 'ops-1', roles: ['staff'], org: undefined, name: undefined, email: undefined });
  });

  it('refuses a token without exp', async () => {
    expect(await refusal(tokens(), sign({ iat: nowSeconds }))).toMatch(/must carry an expiry/);
  });

  it('refuses a lifetime longer than AUTH_JWT_MAX_AGE, whether measured from iat or, without one, from now', async () => {
    expect(await refusal(tokens(), sign({ iat: nowSeconds, exp: Date.UTC(9999, 0, 1) / 1000 }))).toMatch(/lives longer than the P1D/);
    expect(await refusal(tokens(), sign({ iat: nowSeconds - HOUR, exp: nowSeconds + DAY }))).toMatch(/lives longer/);
    expect(await refusal(tokens(), sign({ exp: nowSeconds + 2 * DAY }))).toMatch(/lives longer/);
    expect(await refusal(tokens({ maxAge: 'PT1H' }), sign({ iat: nowSeconds, exp: nowSeconds + 2 * HOUR }))).toMatch(/PT1H/);
    await expect(tokens().verify(sign({ exp: nowSeconds + DAY }), NOW)).resolves.toMatchObject({ sub: 'ops-1' });
  });

  it('refuses iat or nbf in the future, beyond a small clock skew', async () => {
    const ahead = nowSeconds + CLOCK_SKEW_SECONDS + 30;
    expect(await refusal(tokens(), sign({ iat: ahead, exp: ahead + HOUR }))).toMatch(/issued in the future/);
    expect(await refusal(tokens(), sign({ iat: nowSeconds, nbf: ahead, exp: nowSeconds + HOUR }))).toMatch(/invalid or has expired/);
    const slightly = nowSeconds + CLOCK_SKEW_SECONDS - 5;
    await expect(tokens().verify(sign({ iat: slightly, nbf: slightly, exp: slightly + HOUR }), NOW)).resolves.toMatchObject({ sub: 'ops-1' });
  });

  it('refuses an expired token, and one signed with another key or algorithm', async () => {
    expect(await refusal(tokens(), sign({ iat: nowSeconds - 2 * HOUR, exp: nowSeconds - 2 * CLOCK_SKEW_SECONDS }))).toMatch(/expired/);
    expect(await refusal(tokens(), sign({ iat: nowSeconds, exp: nowSeconds + HOUR }, `${SECRET}-not`))).toMatch(/invalid/);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'ops-1', roles: ['staff'], iat: nowSeconds, exp: nowSeconds + HOUR })).toString('base64url');
    expect(await refusal(tokens(), `${header}.${body}.`)).toMatch(/invalid/);
  });

  it('checks iss and aud only when they are configured', async () => {
    const claims = { iat: nowSeconds, exp: nowSeconds + HOUR };
    const strict = tokens({ issuer: 'opcc-ops', audience: 'people-zones-grants' });
    expect(await refusal(strict, sign(claims))).toMatch(/invalid/);
    expect(await refusal(strict, sign({ ...claims, iss: 'someone-else', aud: 'people-zones-grants' }))).toMatch(/invalid/);
    expect(await refusal(strict, sign({ ...claims, iss: 'opcc-ops', aud: 'another-service' }))).toMatch(/invalid/);
    await expect(strict.verify(sign({ ...claims, iss: 'opcc-ops', aud: 'people-zones-grants' }), NOW)).resolves.toMatchObject({ sub: 'ops-1' });
    await expect(tokens().verify(sign({ ...claims, iss: 'anyone', aud: 'anything' }), NOW)).resolves.toMatchObject({ sub: 'ops-1' });
  });

  it('accepts none at all without a secret', async () => {
    expect(await refusal(tokens({ secret: undefined }), sign({ iat: nowSeconds, exp: nowSeconds + HOUR }))).toMatch(/not accepted/);
  });

  it('refuses a token without a subject or a known role, and an applicant without an organisation', async () => {
    const times = { iat: nowSeconds, exp: nowSeconds + HOUR };
    expect(await refusal(tokens(), sign({ ...times, sub: '' }))).toMatch(/no subject or no known role/);
    expect(await refusal(tokens(), sign({ ...times, roles: ['root'] }))).toMatch(/no subject or no known role/);
    expect(await refusal(tokens(), sign({ ...times, roles: ['applicant'] }))).toMatch(/organisation/);
  });
});
