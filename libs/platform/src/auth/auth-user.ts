import type { Role } from '@pz/event-store';

export type UserRole = Exclude<Role, 'system' | 'anonymous'>;
export const USER_ROLES: readonly UserRole[] = ['applicant', 'panel', 'staff', 'auditor'];

/** The caller, as proven by a verified JWT. */
export interface AuthUser {
  sub: string;
  roles: UserRole[];
  org?: string;
  name?: string;
  email?: string;
}

/** The role under which this request acts: the first of the route's roles the caller holds. */
export interface AuthenticatedRequest {
  user?: AuthUser;
  actingRole?: UserRole;
  id?: string | number;
  headers: Record<string, string | string[] | undefined>;
}
