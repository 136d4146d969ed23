import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import { BODY_LIMIT_BYTES, hasBody, isJsonContent, parseMediaType, parseStrictJson, readJsonBody } from './json-body';

/** A request body as it arrives, in chunks, with the headers that describe it. */
function arriving(body: string | Buffer, headers: IncomingHttpHeaders = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers },
    payload: Readable.from([bytes.subarray(0, 3), bytes.subarray(3)].filter((c) => c.length > 0)),
  };
}

async function refusal(body: string | Buffer, headers: IncomingHttpHeaders = {}): Promise<{ status: number; message: unknown }> {
  const { headers: all, payload } = arriving(body, headers);
  const error = await readJsonBody(all, payload).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.getStatus(), message: (error.getResponse() as { message: unknown }).message };
}

describe('Content-Type, read as Express read it', () => {
  it.each([
    ['application/json', 'application/json', {}],
    ['Application/JSON', 'application/json', {}],
    ['  application/json ; charset=UTF-8', 'application/json', { charset: 'UTF-8' }],
    ['application/json; charset="utf-8"', 'application/json', { charset: 'utf-8' }],
    ['application/json; charset', 'application/json', {}],
    ['application/json;;charset=utf-16; charset=latin1', 'application/json', { charset: 'utf-16' }],
    ['application/merge-patch+json', 'application/merge-patch+json', {}],
  ])('%j is %s with %j', (header, type, parameters) => {
    expect(parseMediaType(header)).toEqual({ type, parameters });
  });

  it.each([undefined, '', 'json', 'application/', '/json', 'application/json/x', 'application json'])('%j is no media type', (header) => {
    expect(parseMediaType(header)).toBeNull();
  });

  it('calls only application/json JSON, and knows when a request has a body', () => {
    expect(isJsonContent({ 'content-type': 'application/json; charset=utf-8' })).toBe(true);
    expect(isJsonContent({ 'content-type': 'application/merge-patch+json' })).toBe(false);
    expect(isJsonContent({ 'content-type': 'text/plain' })).toBe(false);
    expect(isJsonContent({})).toBe(false);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({ 'content-length': '2' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({})).toBe(false);
  });
});

describe('Strict JSON', () => {
  it('takes objects and arrays, and an empty body as {}', () => {
    expect(parseStrictJson('')).toEqual({});
    expect(parseStrictJson(' \n{"a":1}')).toEqual({ a: 1 });
    expect(parseStrictJson('[1]')).toEqual([1]);
  });

  it.each(['null', '1', '"x"', '  true', '   '])('refuses %j with a 400 quoting it', (text) => {
    expect(() => parseStrictJson(text)).toThrow(HttpException);
  });

  it('names the bare value it refuses, as JSON.parse would', () => {
    expect(() => parseStrictJson('null')).toThrow(/Unexpected token 'n', "null" is not valid JSON/);
  });
});

describe('Reading a JSON body', () => {
  it('parses a body in chunks, dropping a byte-order mark', async () => {
    const { headers, payload } = arriving('\ufeff{"reason":"é"}');
    await expect(readJsonBody(headers, payload)).resolves.toEqual({ reason: 'é' });
  });

  it('leaves content that is not JSON unparsed and unread', async () => {
    const { headers, payload } = arriving('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    await expect(readJsonBody(headers, payload)).resolves.toBeUndefined();
    expect(payload.readableEnded).toBe(false);
  });

  it('inflates gzip and deflate bodies', async () => {
    for (const [encoding, compress] of [['gzip', gzipSync], ['deflate', deflateSync]] as const) {
      const { headers, payload } = arriving(compress('{"a":[1]}'), { 'content-encoding': encoding });
      await expect(readJsonBody(headers, payload)).resolves.toEqual({ a: [1] });
    }
  });

  it('reads UTF-16 when told so', async () => {
    const { headers, payload } = arriving(Buffer.from('{"a":1}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' });
    await expect(readJsonBody(headers, payload)).resolves.toEqual({ a: 1 });
  });

  it('refuses a body over the limit (413), counted after decompression, and with no length given', async () => {
    const big = `{"a":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`;
    expect(await refusal(big)).toEqual({ status: 413, message: 'request entity too large' });
    expect(await refusal(gzipSync(big), { 'content-encoding': 'gzip' })).toEqual({ status: 413, message: 'request entity too large' });
    expect(await refusal(big, { 'content-length': undefined, 'transfer-encoding': 'chunked' })).toEqual({ status: 413, message: 'request entity too large' });
    const exact = `{"a":"${'x'.repeat(BODY_LIMIT_BYTES - 8)}"}`;
    expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT_BYTES);
    const { headers, payload } = arriving(exact);
    await expect(readJsonBody(headers, payload)).resolves.toEqual({ a: expect.any(String) });
  });

  it('refuses charsets and encodings it cannot read (415)', async () => {
    expect(await refusal('{}', { 'content-type': 'application/json; charset=latin1' })).toEqual({ status: 415, message: 'unsupported charset "LATIN1"' });
    expect(await refusal('{}', { 'content-type': 'application/json; charset=utf8' })).toEqual({ status: 415, message: 'unsupported charset "UTF8"' });
    expect(await refusal('{}', { 'content-type': 'application/json; charset=utf-foo' })).toEqual({ status: 415, message: 'unsupported charset "UTF-FOO"' });
    expect(await refusal('{}', { 'content-encoding': 'compress' })).toEqual({ status: 415, message: 'unsupported content encoding "compress"' });
  });

  it('refuses malformed JSON, a body that does not inflate and a short body (400)', async () => {
    expect(await refusal('{"a":')).toMatchObject({ status: 400, message: expect.stringMatching(/JSON/) });
    expect(await refusal('not gzip', { 'content-encoding': 'gzip' })).toEqual({ status: 400, message: 'Bad Request' });
    expect(await refusal('{}', { 'content-length': '10' })).toEqual({ status: 400, message: 'request size did not match content length' });
  });

  it('refuses hostile JSON (400), naming each field', async () => {
    expect(await refusal('{"a":{"__proto__":{"x":1}},"b":"\\u0001"}')).toEqual({
      status: 400,
      message: expect.arrayContaining(['property a.__proto__ should not exist', 'b must not contain control characters or unpaired surrogates']),
    });
  });

  it('reads what is left of a refused body before answering, so the client is not cut off mid-send', async () => {
    const payload = new PassThrough();
    const headers = { 'content-type': 'application/json', 'content-length': String(BODY_LIMIT_BYTES * 4) };
    const reading = readJsonBody(headers, payload);
    let answered = false;
    void reading.catch(() => (answered = true));
    payload.write(Buffer.alloc(BODY_LIMIT_BYTES));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    payload.end(Buffer.alloc(BODY_LIMIT_BYTES * 3));
    await expect(reading).rejects.toMatchObject({ status: 413 });
  });
});
