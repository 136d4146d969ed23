import { createSecretKey, KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Duration } from 'luxon';
import { AuthUser, USER_ROLES, UserRole } from './auth-user';

export interface MachineTokenPolicy {
  /** HS256 secret; without one no JWT is accepted. */
  secret: string | undefined;
  /** Longest lifetime accepted (exp − iat), ISO 8601. */
  maxAge: string;
  issuer?: string;
  audience?: string;
}

/** Clocks disagree a little: an `iat` or `nbf` this far ahead, or a lifetime this much longer, still passes. */
export const CLOCK_SKEW_SECONDS = 60;

export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

/**
 * The operators' machine credential: an HS256 JWT signed with AUTH_JWT_SECRET (api.md). Only HS256
 * is accepted, so `alg: none` or an RS/HS confusion cannot pass; and a token is bounded in time:
 * it must expire, its lifetime may not exceed AUTH_JWT_MAX_AGE, and it may not claim to have been
 * issued (or to become valid) in the future. When AUTH_JWT_ISSUER / AUDIENCE are set, they must match.
 */
export class MachineTokens {
  private readonly key: KeyObject | null;
  private readonly maxAgeSeconds: number;
  private readonly jwt = new JwtService();

  constructor(private readonly policy: MachineTokenPolicy) {
    // A KeyObject made once: handed the secret as a string, jsonwebtoken first tries (and fails)
    // to parse it as a PEM key on every verification, ~35x the cost of the HMAC itself.
    this.key = policy.secret ? createSecretKey(Buffer.from(policy.secret, 'utf8')) : null;
    this.maxAgeSeconds = Duration.fromISO(policy.maxAge).as('seconds');
  }

  /** The caller the token proves, or TokenRefused saying why (never what the token held). */
  async verify(token: string, now = Date.now()): Promise<AuthUser> {
    if (!this.key) throw new TokenRefused('Machine tokens are not accepted: AUTH_JWT_SECRET is not set');
    let claims: Record<string, unknown>;
    try {
      claims = await this.jwt.verifyAsync(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(now / 1000),
        clockTolerance: CLOCK_SKEW_SECONDS,
        ...(this.policy.issuer ? { issuer: this.policy.issuer } : {}),
        ...(this.policy.audience ? { audience: this.policy.audience } : {}),
      });
    } catch {
      throw new TokenRefused('The bearer token is invalid or has expired');
    }
    this.checkTimes(claims, Math.floor(now / 1000));
    return userFrom(claims);
  }

  private checkTimes(claims: Record<string, unknown>, nowSeconds: number): void {
    const { exp, iat } = claims;
    if (typeof exp !== 'number') throw new TokenRefused('The bearer token must carry an expiry (exp)');
    if (typeof iat === 'number' && iat > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw new TokenRefused('The bearer token claims to have been issued in the future (iat)');
    }
    const issued = typeof iat === 'number' ? iat : nowSeconds;
    if (exp - issued > this.maxAgeSeconds + CLOCK_SKEW_SECONDS) {
      throw new TokenRefused(`The bearer token lives longer than the ${this.policy.maxAge} allowed (AUTH_JWT_MAX_AGE)`);
    }
  }
}

function userFrom(claims: Record<string, unknown>): AuthUser {
  const roles = Array.isArray(claims.roles) ? (claims.roles.filter((r) => USER_ROLES.includes(r as UserRole)) as UserRole[]) : [];
  if (typeof claims.sub !== 'string' || claims.sub === '' || roles.length === 0) {
    throw new TokenRefused('The bearer token has no subject or no known role');
  }
  if (roles.includes('applicant') && (typeof claims.org !== 'string' || claims.org === '')) {
    throw new TokenRefused('An applicant token must name its organisation (org)');
  }
  return {
    sub: claims.sub,
    roles,
    org: typeof claims.org === 'string' ? claims.org : undefined,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    email: typeof claims.email === 'string' ? claims.email : undefined,
  };
}
