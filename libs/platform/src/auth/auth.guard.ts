import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuthenticatedRequest, AuthUser, USER_ROLES, UserRole } from './auth-user';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/**
 * Global guard: every route needs a valid HS256 bearer token and one of its roles unless it
 * is marked @Public(). Only HS256 is accepted, so `alg: none` or an RS/HS confusion cannot pass.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const header = request.headers.authorization;
    if (isPublic && !header) return true;

    if (isPublic) {
      // A public route answers everyone the same; a stale token must not lock a visitor out.
      request.user = await this.verify(header).catch(() => undefined);
      return true;
    }
    const user = await this.verify(header);
    request.user = user;

    const allowed = this.reflector.getAllAndOverride<UserRole[]>(ROLES_KEY, targets);
    if (!allowed || allowed.length === 0) {
      // A route without @Roles is a programming error; refuse rather than open it to everyone.
      throw new ForbiddenException('This operation is not available to any role');
    }
    const acting = allowed.find((role) => user.roles.includes(role));
    if (!acting) {
      throw new ForbiddenException(`This operation needs one of the roles: ${allowed.join(', ')}`);
    }
    request.actingRole = acting;
    return true;
  }

  private async verify(header: string | string[] | undefined): Promise<AuthUser> {
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new UnauthorizedException('A bearer token is required');
    }
    let claims: Record<string, unknown>;
    try {
      // The key is the module's (PlatformModule): a KeyObject built once from AUTH_JWT_SECRET.
      claims = await this.jwt.verifyAsync(header.slice('Bearer '.length).trim(), { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('The bearer token is invalid or has expired');
    }
    const roles = Array.isArray(claims.roles)
      ? (claims.roles.filter((r) => USER_ROLES.includes(r as UserRole)) as UserRole[])
      : [];
    if (typeof claims.sub !== 'string' || claims.sub === '' || roles.length === 0) {
      throw new UnauthorizedException('The bearer token has no subject or no known role');
    }
    if (roles.includes('applicant') && (typeof claims.org !== 'string' || claims.org === '')) {
      throw new UnauthorizedException('An applicant token must name its organisation (org)');
    }
    return {
      sub: claims.sub,
      roles,
      org: typeof claims.org === 'string' ? claims.org : undefined,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
    };
  }
}
