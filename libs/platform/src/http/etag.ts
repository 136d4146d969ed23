import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Optimistic concurrency over HTTP: a route marked `@RevisionEtag()` sends a body with a stream
 * `revision` with `ETag: "<revision>"`, and a write may carry `If-Match: "<revision>"` to say
 * "only if nobody changed it since I read it".
 *
 * A route option read by a Fastify hook (setRevisionEtag), not a Nest interceptor: any
 * interceptor on a route puts every request through Nest's RxJS chain and two AsyncResources,
 * which cost GET /applications/:id about a seventh of its throughput.
 */
export const RevisionEtag = () => RouteConfig({ revisionEtag: true });

/** Fastify preSerialization hook: the ETag of a marked route's answer. */
export function setRevisionEtag(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  if ((request.routeOptions.config as { revisionEtag?: boolean } | undefined)?.revisionEtag) {
    const revision = (payload as { revision?: unknown } | null)?.revision;
    if (typeof revision === 'number') void reply.header('ETag', `"${revision}"`);
  }
  done(null, payload);
}

/** The revision named by If-Match, or undefined when the caller did not ask for a check. */
export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw new BadRequestException(['If-Match must be an ETag from this API, such as "3"']);
  return Number(match[1]);
});
