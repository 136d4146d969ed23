import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './auth-user';

export const ROLES_KEY = 'pz:roles';
export const PUBLIC_KEY = 'pz:public';

/** Routes are closed by default; this opens one to callers without a token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Which roles may call the route (any one of them suffices). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);
