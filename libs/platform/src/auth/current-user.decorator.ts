import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from './auth-user';
import type { CommandContext } from '../domain/command-context';
import { IdempotencyKeys } from '../http/idempotency';

/**
 * The command context of this request: the verified caller and acting role, the request's
 * correlation id, the Idempotency-Key if any, and "now" read once at the edge.
 */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.headers['idempotency-key'];
  return {
    actor: request.user
      ? { sub: request.user.sub, role: request.actingRole ?? request.user.roles[0] }
      : { sub: 'anonymous', role: 'anonymous' },
    now: new Date().toISOString(),
    correlationId: String(request.id ?? randomUUID()),
    causationId: null,
    idempotencyKey: typeof key === 'string' && key !== '' ? key : undefined,
    written: () => IdempotencyKeys.wrote(request),
  };
});

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().user;
});
