import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isPageRoute } from '../http/page-routes';
import { AuthenticatedRequest, AuthUser, UserRole } from './auth-user';
import { MachineTokens, TokenRefused } from './machine-tokens';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/**
 * Global guard: every route needs a valid bearer token and one of its roles unless it is marked
 * @Public(). Tokens are checked by MachineTokens (HS256 only, bounded in time).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: MachineTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & Pick<FastifyRequest, 'routeOptions'>>();
    // A page is signed in to by its session cookie, never a bearer token: the web's own guard decides.
    if (isPageRoute(request)) return true;
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
    try {
      return await this.tokens.verify(header.slice('Bearer '.length).trim());
    } catch (error) {
      if (error instanceof TokenRefused) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
