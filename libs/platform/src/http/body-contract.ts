import { BadRequestException, CanActivate, ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { hasBody, isJsonContent } from './json-body';
import { isPageRoute } from './page-routes';

const BODY_PARAMS = new Set([String(RouteParamtypes.BODY), String(RouteParamtypes.RAW_BODY)]);
/** The methods that write: the body contract and Idempotency-Key apply to these. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether each route handler reads a body (`@Body()`), looked up once per handler. */
const takesBodyByHandler = new WeakMap<object, boolean>();

function takesBody(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let takes = takesBodyByHandler.get(handler);
  if (takes === undefined) {
    const params: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    takes = Object.keys(params).some((key) => BODY_PARAMS.has(key.split(':')[0]));
    takesBodyByHandler.set(handler, takes);
  }
  return takes;
}

/**
 * What a write route does with the request body, enforced for every one after authentication (so
 * a caller without access learns nothing from it): a global guard registered after AuthGuard.
 * - a route that reads a body (`@Body()`) takes it as JSON: any other content type is a 415,
 *   where it would otherwise reach the handler as "no body" and, with all fields optional, succeed;
 * - a route that reads no body refuses JSON fields it would silently ignore (400, each named),
 *   as the contract refuses unknown fields. Other content (an RFC 8058 one-click unsubscribe
 *   posts a form) is not parsed and stays ignored.
 */
@Injectable()
export class BodyContractGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    enforceBodyContract(context);
    return true;
  }
}

/** Throws the 415 or 400 a write route's body earns (see BodyContractGuard). */
export function enforceBodyContract(context: ExecutionContext): void {
  if (context.getType() !== 'http') return;
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  // Pages take forms, and each page names what is wrong with one itself.
  if (!WRITE_METHODS.has(request.method) || isPageRoute(request)) return;

  if (takesBody(context)) {
    if (hasBody(request.headers) && !isJsonContent(request.headers)) {
      throw new UnsupportedMediaTypeException('Content-Type must be application/json');
    }
  } else if (Array.isArray(request.body)) {
    throw new BadRequestException(['this request takes no body']);
  } else if (request.body !== null && typeof request.body === 'object') {
    const fields = Object.keys(request.body as object);
    if (fields.length > 0) throw new BadRequestException(fields.map((field) => `property ${field} should not exist`));
  }
}
