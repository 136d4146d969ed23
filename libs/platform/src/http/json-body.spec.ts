import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import { BODY_LIMIT_BYTES, hasBody, isJsonContent, readJsonBody } from './json-body';

/** A request as the server receives it: its headers, and its body arriving in chunks (or, with `body` null, still to come). */
function arriving(body: string | Buffer | null, headers: IncomingHttpHeaders = {}): IncomingMessage {
  const bytes = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const request = new IncomingMessage(new Socket());
  request.headers = { 'content-type': 'application/json', ...(bytes && { 'content-length': String(bytes.length) }), ...headers };
  for (const [name, value] of Object.entries(request.headers)) if (value === undefined) delete request.headers[name];
  if (bytes) {
    for (const chunk of [bytes.subarray(0, 3), bytes.subarray(3)]) if (chunk.length > 0) request.push(chunk);
    request.push(null);
  }
  return request;
}

async function refusal(body: string | Buffer, headers: IncomingHttpHeaders = {}): Promise<{ status: number; message: unknown }> {
  const error = await readJsonBody(arriving(body, headers)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.getStatus(), message: (error.getResponse() as { message: unknown }).message };
}

describe('Content-Type, read as Express read it', () => {
  it.each([
    ['application/json', '{"a":1}', 'utf-8'],
    ['Application/JSON', '{"a":1}', 'utf-8'],
    ['  application/json ; charset=UTF-8', '{"a":1}', 'utf-8'],
    ['application/json; charset="utf-8"', '{"a":1}', 'utf-8'],
    ['application/json; charset', '{"a":1}', 'utf-8'],
    // The first parameter of a name wins (latin1 would be refused).
    ['application/json;;charset=utf-16; charset=latin1', '{"a":1}', 'utf-16le'],
  ] as const)('%j is JSON, read in its charset', async (header, text, charset) => {
    expect(isJsonContent({ 'content-type': header })).toBe(true);
    await expect(readJsonBody(arriving(Buffer.from(text, charset), { 'content-type': header }))).resolves.toEqual({ a: 1 });
  });

  it.each([undefined, '', 'json', 'application/', '/json', 'application/json/x', 'application json', 'application/merge-patch+json', 'text/plain'])(
    '%j is not JSON, and its body is left unparsed',
    async (header) => {
      expect(isJsonContent({ 'content-type': header })).toBe(false);
      await expect(readJsonBody(arriving('{"a":1}', { 'content-type': header }))).resolves.toBeUndefined();
    },
  );

  it('knows when a request has a body', () => {
    expect(isJsonContent({})).toBe(false);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({ 'content-length': '2' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({})).toBe(false);
  });
});

describe('Strict JSON', () => {
  it('takes objects and arrays, and an empty body as {}', async () => {
    await expect(readJsonBody(arriving(''))).resolves.toEqual({});
    await expect(readJsonBody(arriving('', { 'content-length': undefined, 'transfer-encoding': 'chunked' }))).resolves.toEqual({});
    await expect(readJsonBody(arriving(' \n{"a":1}'))).resolves.toEqual({ a: 1 });
    await expect(readJsonBody(arriving('[1]'))).resolves.toEqual([1]);
  });

  it.each(['null', '1', '"x"', '  true', '   '])('refuses %j with a 400 quoting it', async (text) => {
    expect(await refusal(text)).toEqual({ status: 400, message: expect.stringMatching(/JSON/) });
  });

  it('names the bare value it refuses, as JSON.parse would', async () => {
    expect(await refusal('null')).toEqual({ status: 400, message: expect.stringMatching(/Unexpected token 'n', "null" is not valid JSON/) });
  });
});

describe('Reading a JSON body', () => {
  it('parses a body in chunks, dropping a byte-order mark', async () => {
    await expect(readJsonBody(arriving('\ufeff{"reason":"é"}'))).resolves.toEqual({ reason: 'é' });
  });

  it('leaves content that is not JSON unparsed and unread', async () => {
    const request = arriving('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    await expect(readJsonBody(request)).resolves.toBeUndefined();
    expect(request.readableEnded).toBe(false);
    expect(request.readableFlowing).toBeNull();
  });

  it('inflates gzip, deflate and br bodies', async () => {
    for (const [encoding, compress] of [['gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync]] as const) {
      await expect(readJsonBody(arriving(compress('{"a":[1]}'), { 'content-encoding': encoding }))).resolves.toEqual({ a: [1] });
    }
  });

  it('reads UTF-16 when told so', async () => {
    const request = arriving(Buffer.from('{"a":1}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' });
    await expect(readJsonBody(request)).resolves.toEqual({ a: 1 });
  });

  it('refuses a body over the limit (413), counted after decompression, and with no length given', async () => {
    const big = `{"a":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`;
    expect(await refusal(big)).toEqual({ status: 413, message: 'request entity too large' });
    expect(await refusal(gzipSync(big), { 'content-encoding': 'gzip' })).toEqual({ status: 413, message: 'request entity too large' });
    expect(await refusal(big, { 'content-length': undefined, 'transfer-encoding': 'chunked' })).toEqual({ status: 413, message: 'request entity too large' });
    const exact = `{"a":"${'x'.repeat(BODY_LIMIT_BYTES - 8)}"}`;
    expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT_BYTES);
    await expect(readJsonBody(arriving(exact))).resolves.toEqual({ a: expect.any(String) });
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
    const request = arriving(null, { 'content-length': String(BODY_LIMIT_BYTES * 4) });
    const reading = readJsonBody(request);
    let answered = false;
    void reading.catch(() => (answered = true));
    request.push(Buffer.alloc(BODY_LIMIT_BYTES));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    request.push(Buffer.alloc(BODY_LIMIT_BYTES * 3));
    request.push(null);
    await expect(reading).rejects.toMatchObject({ status: 413 });
    expect(request.readableEnded).toBe(true);
  });
});
