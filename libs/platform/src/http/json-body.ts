import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { json, urlencoded } from 'body-parser';
import typeis from 'type-is';
import { hostileJsonProblems } from './hostile-json';

/** Largest JSON body accepted (after decompression); anything bigger is a 413 before it reaches a controller. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Express's own JSON parser (body-parser 2, as Express 5 ran it before the move to Fastify), so the
 * HTTP contract did not change with the framework: `application/json` only (type-is), 64 KB counted
 * after gzip/deflate/br inflation (413), strict (objects and arrays; an empty body is `{}`), utf-*
 * charsets only (415), unknown encodings 415, malformed JSON 400 with JSON.parse's message. A
 * body refused part-way is read to its end before the answer, so the client is not cut off (one
 * refused on its headers alone is left for Node to discard after the answer).
 */
const parseJson = json({ limit: BODY_LIMIT_BYTES, strict: true, type: 'application/json' });

/** Whether the request says its body is JSON (`application/json`, any parameters). */
export function isJsonContent(headers: IncomingHttpHeaders): boolean {
  return typeis.is(headers['content-type'] ?? '', ['application/json']) !== false;
}

/**
 * Whether the request carries a body. type-is counts `Content-Length: 0` as one; the contract (as
 * the Express app had it) does not, so a bodiless POST, which Node's clients send with
 * `Content-Length: 0` and no Content-Type, is not refused as the wrong media type.
 */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return typeis.hasBody({ headers } as IncomingMessage) && headers['content-length'] !== '0';
}

/** body-parser's refusals, by status, as the Nest exceptions every other refusal is. */
const REFUSALS: Record<number, new (message: string) => HttpException> = {
  400: BadRequestException,
  413: PayloadTooLargeException,
  415: UnsupportedMediaTypeException,
};

function refusal(error: { status?: number; type?: string; message: string }): unknown {
  const Refusal = error.status === undefined ? undefined : REFUSALS[error.status];
  if (!Refusal) return error; // not a refusal of the body: a fault of ours (500)
  // body-parser's own errors have a `type` and a message meant for the client; a body that does
  // not inflate carries zlib's ("incorrect header check"), which is answered without detail.
  return new Refusal(error.type ? error.message : 'Bad Request');
}

/**
 * Reads and parses a JSON request body (undefined when it is not JSON: left unread, and the route
 * answers 415 if it wanted a body), or rejects with the 4xx that explains why not.
 */
export function readJsonBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // The response is only handed to body-parser's `verify` option, which is not used.
    parseJson(request, undefined as unknown as ServerResponse, (error?: unknown) => {
      if (error) return reject(refusal(error as Error));
      const body = (request as IncomingMessage & { body?: unknown }).body;
      // Too deep, prototype keys, unrepresentable text: refused before anything walks the body.
      const problems = hostileJsonProblems(body);
      if (problems.length > 0) reject(new BadRequestException(problems));
      else resolve(body);
    });
  });
}

/**
 * A page's form (`application/x-www-form-urlencoded`, what browsers send without JavaScript), read
 * by the same library under the same limits: repeated names (checkboxes) become arrays. Anything
 * else is left unread: the page sees no fields, and says what is missing.
 */
const parseForm = urlencoded({ limit: BODY_LIMIT_BYTES, extended: false, parameterLimit: 500, type: 'application/x-www-form-urlencoded' });

export function readFormBody(request: IncomingMessage): Promise<Record<string, string | string[]>> {
  return new Promise((resolve, reject) => {
    const carrier = request as IncomingMessage & { body?: unknown };
    parseForm(carrier, {} as ServerResponse, (error?: unknown) => {
      if (error) reject(refusal(error as { status?: number; type?: string; message: string }));
      else resolve((carrier.body ?? {}) as Record<string, string | string[]>);
    });
  });
}
