import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isPageRoute } from '../http/page-routes';
import { AuthenticatedRequest, AuthUser, UserRole } from './auth-user';
import { MachineTokens, TokenRefused } from './machine-tokens';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { PERSONAL_TOKENS, PersonalTokens } from './personal-tokens';

/**
 * Global guard: every route needs a valid bearer token and one of its roles unless it is marked
 * @Public(). Tokens are checked by MachineTokens (HS256 only, bounded in time).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private personal: PersonalTokens | null | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: MachineTokens,
    private readonly modules: ModuleRef,
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
    const token = header.slice('Bearer '.length).trim();
    const personal = this.personalTokens();
    if (personal && token.startsWith(personal.prefix)) {
      const user = await personal.verify(token);
      if (!user) throw new UnauthorizedException('The access token is invalid, expired or revoked');
      return user;
    }
    try {
      return await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenRefused) throw new UnauthorizedException(error.message);
      throw error;
    }
  }

  private personalTokens(): PersonalTokens | null {
    if (this.personal === undefined) {
      try {
        this.personal = this.modules.get<PersonalTokens>(PERSONAL_TOKENS, { strict: false });
      } catch {
        this.personal = null;
      }
    }
    return this.personal;
  }
}
