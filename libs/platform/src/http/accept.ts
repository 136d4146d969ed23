import type { IncomingMessage } from 'node:http';
import accepts from 'accepts';

/**
 * Which of `types` an Accept header prefers, by `accepts` (the negotiation Express's
 * `req.accepts` used, kept when the service moved to Fastify): the first type when there is no
 * header; undefined when none is acceptable.
 */
export function preferredType(accept: string | undefined, types: string[]): string | undefined {
  const chosen = accepts({ headers: { accept } } as IncomingMessage).type(types);
  // An array comes back only when no types are given.
  return typeof chosen === 'string' ? chosen : undefined;
}
