import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { hostileJsonProblems } from './hostile-json';

/** Largest JSON body accepted (after decompression); anything bigger is a 413 before it reaches a controller. */
export const BODY_LIMIT_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Content-Type, read as Express read it (type-is and content-type 2): the media type is what comes
// before the first ";", trimmed and in lower case; parameters are read leniently, the first of a
// name winning.
// ---------------------------------------------------------------------------------------------
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const SP = 0x20;
const HTAB = 0x09;
const SEMI = 0x3b;
const EQ = 0x3d;
const DQUOTE = 0x22;
const BSLASH = 0x5c;

export interface MediaType {
  /** Lower case, without parameters: `application/json`. */
  type: string;
  /** Names in lower case; values as sent, unquoted. */
  parameters: Record<string, string>;
}

/** The media type of a Content-Type header, or null when there is none or it is not `type/subtype`. */
export function parseMediaType(header: string | undefined): MediaType | null {
  if (typeof header !== 'string') return null;
  const start = skipWhitespace(header, 0);
  const end = skipValue(header, start);
  const type = header.slice(start, trailingWhitespace(header, start, end)).toLowerCase();
  return MEDIA_TYPE.test(type) ? { type, parameters: parseParameters(header, end) } : null;
}

function parseParameters(header: string, from: number): Record<string, string> {
  const parameters: Record<string, string> = Object.create(null);
  let index = from;
  parameter: while (index < header.length) {
    index = skipWhitespace(header, index + 1); // past the ";"
    const nameStart = index;
    while (index < header.length) {
      const code = header.charCodeAt(index);
      if (code === SEMI) continue parameter; // a name without a value
      if (code === EQ) {
        const name = header.slice(nameStart, trailingWhitespace(header, nameStart, index)).toLowerCase();
        index = skipWhitespace(header, index + 1);
        if (header.charCodeAt(index) === DQUOTE) {
          let value = '';
          for (index++; index < header.length; ) {
            const char = header.charCodeAt(index++);
            if (char === DQUOTE) {
              index = skipValue(header, index);
              parameters[name] ??= value;
              break;
            }
            value += char === BSLASH && index < header.length ? header[index++] : String.fromCharCode(char);
          }
          continue parameter;
        }
        const valueStart = index;
        index = skipValue(header, index);
        parameters[name] ??= header.slice(valueStart, trailingWhitespace(header, valueStart, index));
        continue parameter;
      }
      index++;
    }
  }
  return parameters;
}

function skipValue(text: string, index: number): number {
  while (index < text.length && text.charCodeAt(index) !== SEMI) index++;
  return index;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && (text.charCodeAt(index) === SP || text.charCodeAt(index) === HTAB)) index++;
  return index;
}

function trailingWhitespace(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === SP || text.charCodeAt(end - 1) === HTAB)) end--;
  return end;
}

/** Whether the request says its body is JSON (`application/json`, any parameters). */
export function isJsonContent(headers: IncomingHttpHeaders): boolean {
  return parseMediaType(headers['content-type'])?.type === 'application/json';
}

/** Whether the request carries a body at all (it may still be empty). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

// ---------------------------------------------------------------------------------------------
// Reading the body: the same answers Express's JSON body parser (body-parser) gave, so the HTTP
// contract did not change with the framework.
// ---------------------------------------------------------------------------------------------
const DECOMPRESSORS: Record<string, () => Transform> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const decoders = new Map<string, TextDecoder>();

/** The body as text in its declared charset (a byte-order mark dropped), or a 415 for a charset we cannot read. */
function decode(body: Buffer, charset: string): string {
  if (charset === 'utf-8') {
    const text = body.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  let decoder = decoders.get(charset);
  if (!decoder) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      throw new UnsupportedMediaTypeException(`unsupported charset "${charset.toUpperCase()}"`);
    }
    decoders.set(charset, decoder);
  }
  // A last odd byte of UTF-16 is dropped, as Express's decoder (iconv-lite) dropped it.
  return decoder.decode(charset.startsWith('utf-16') && body.length % 2 === 1 ? body.subarray(0, -1) : body);
}

const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

/**
 * JSON text to a value: an object or an array only (a bare `null`, number or string is refused),
 * and an empty body is `{}` (no fields), as body-parser's strict mode had it.
 */
export function parseStrictJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_NON_WHITESPACE.exec(text)?.[1] || undefined;
  if (first !== '{' && first !== '[') throw new BadRequestException(strictViolation(text, first));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
}

/** The message JSON.parse gives at the first character that is not `{` or `[`, quoting the text. */
function strictViolation(text: string, first: string | undefined): string {
  const index = first === undefined ? -1 : text.indexOf(first);
  const partial = index === -1 ? '' : text.slice(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    return 'strict violation';
  } catch (error) {
    return (error as Error).message.replace(/#+/g, (placeholder) => text.substring(index, index + placeholder.length));
  }
}

/** Reads what is left of a request off the wire, so the client finishes sending before it is answered. */
function drain(request: Readable): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      request.off('end', done).off('close', done).off('error', done);
      resolve();
    };
    request.on('end', done).on('close', done).on('error', done);
    request.resume();
  });
}

/** Reads and parses a JSON request body, or throws the 4xx that explains why not. */
export async function readJsonBody(headers: IncomingHttpHeaders, payload: Readable, limit = BODY_LIMIT_BYTES): Promise<unknown> {
  const media = parseMediaType(headers['content-type']);
  // Not JSON as HTTP spells it: left unparsed (the route answers 415 if it wanted a body).
  if (media?.type !== 'application/json') return undefined;
  const charset = (media.parameters.charset ?? 'utf-8').toLowerCase();
  if (!charset.startsWith('utf-')) {
    await drain(payload);
    throw new UnsupportedMediaTypeException(`unsupported charset "${charset.toUpperCase()}"`);
  }

  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  let expected: number | undefined;
  let decompressor: Transform | undefined;
  if (encoding === 'identity') {
    const length = headers['content-length'];
    expected = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    if (expected !== undefined && expected > limit) {
      await drain(payload);
      throw new PayloadTooLargeException('request entity too large');
    }
  } else {
    if (!Object.hasOwn(DECOMPRESSORS, encoding)) {
      await drain(payload);
      throw new UnsupportedMediaTypeException(`unsupported content encoding "${encoding}"`);
    }
    decompressor = payload.pipe(DECOMPRESSORS[encoding]());
  }
  const stream: Readable = decompressor ?? payload;

  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = () => {
      settled = true;
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      payload.off('error', onAborted).off('close', onClose);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settle();
      if (decompressor) {
        payload.unpipe(decompressor);
        decompressor.on('error', () => undefined);
        decompressor.destroy();
      }
      void drain(payload).then(() => reject(error));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) fail(new PayloadTooLargeException('request entity too large'));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settle();
      if (expected !== undefined && received !== expected) reject(new BadRequestException('request size did not match content length'));
      else resolve(Buffer.concat(chunks, received));
    };
    // A body that does not decompress is the client's mistake (Express answered it without detail).
    const onError = () => fail(new BadRequestException(decompressor ? 'Bad Request' : 'request aborted'));
    const onAborted = () => fail(new BadRequestException('request aborted'));
    const onClose = () => {
      if (!payload.readableEnded) onAborted();
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
    payload.on('error', onAborted).on('close', onClose);
  });

  const value = parseStrictJson(decode(body, charset));
  // Too deep, prototype keys, unrepresentable text: refused before anything walks the body.
  const problems = hostileJsonProblems(value);
  if (problems.length > 0) throw new BadRequestException(problems);
  return value;
}
