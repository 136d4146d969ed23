import { AuthUser } from './auth-user';

/**
 * People's personal access tokens (web.md), verified by the identity feature when the app has it.
 * The auth guard tells them apart from machine JWTs by their prefix.
 */
export interface PersonalTokens {
  readonly prefix: string;
  verify(token: string): Promise<AuthUser | null>;
}

export const PERSONAL_TOKENS = Symbol('PersonalTokens');
