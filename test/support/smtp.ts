import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { startTcpProxy } from './tcp-proxy';

/** One message as the server took it: the SMTP envelope, the raw bytes and the parsed message. */
export interface ReceivedMail {
  envelope: { from: string | null; to: string[] };
  raw: string;
  parsed: ParsedMail;
  subject: string;
  messageId: string | undefined;
  /** The From header's text, e.g. `"People Zones Grants" <grants@localhost>`. */
  from: string;
  to: string;
  text: string;
  html: string;
  /** A header's raw value, unfolded; undefined when absent. */
  header(name: string): string | undefined;
}

export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  readonly url: string;
  /** Every accepted message, in the order the server accepted them. */
  readonly messages: readonly ReceivedMail[];
  /** SMTP connections opened so far (a pooled client opens few). */
  readonly connections: number;
  /** The first message (already received or still to come) that matches; rejects after timeoutMs. */
  waitFor(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Refuses the next n messages after their DATA with a temporary (default 451) or permanent error. */
  failNext(n: number, options?: { code?: number; message?: string }): void;
  /** Drops every connection and resets new ones, as a server that went away. */
  down(): Promise<void>;
  /** Takes connections again, on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An in-process SMTP server on 127.0.0.1 for tests: no TLS, no authentication. A message is
 * parsed and stored before the server answers 250, so once a client's send has resolved the
 * message is already in `messages`: tests can count without waiting.
 * Clients reach it through a loopback proxy, so an outage (`down()`) never gives up the port:
 * re-listening on a released ephemeral port raced other processes for it (EADDRINUSE in CI).
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const arrivals = new EventEmitter();
  arrivals.setMaxListeners(0);
  let failures: { remaining: number; code: number; message: string } = { remaining: 0, code: 451, message: '' };
  let connections = 0;
  let server: SMTPServer | null = null;

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => callback(error));
    stream.on('end', () => {
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        const error = Object.assign(new Error(failures.message), { responseCode: failures.code });
        callback(error);
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      simpleParser(raw).then(
        (parsed) => {
          const mail = received(raw, parsed, session);
          messages.push(mail);
          arrivals.emit('mail', mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    });
  };

  const listen = () =>
    new Promise<SMTPServer>((resolve, reject) => {
      const s = new SMTPServer({
        secure: false,
        disabledCommands: ['STARTTLS'],
        authOptional: true,
        logger: false,
        // Idle pooled clients are cut almost at once on stop(), instead of after 30 s.
        closeTimeout: 10,
        onConnect(_session, cb) {
          connections += 1;
          cb();
        },
        onData,
      });
      s.on('error', () => undefined); // a client that vanishes mid-session is not a test failure
      s.server.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        s.server.off('error', reject);
        server = s;
        resolve(s);
      });
    });

  const close = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  const listening = await listen();
  const proxy = await startTcpProxy('127.0.0.1', (listening.server.address() as AddressInfo).port);
  const port = proxy.port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    waitFor(predicate = () => true, timeoutMs = 5000) {
      const already = messages.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const onMail = (mail: ReceivedMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          arrivals.off('mail', onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          arrivals.off('mail', onMail);
          reject(new Error(`No matching message within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        arrivals.on('mail', onMail);
      });
    },
    failNext(n, options = {}) {
      failures = { remaining: n, code: options.code ?? 451, message: options.message ?? 'Try again later (test server)' };
    },
    down: () => proxy.down(),
    up: () => proxy.up(),
    stop: async () => {
      await proxy.close();
      await close();
    },
  };
}

function received(raw: string, parsed: ParsedMail, session: SMTPServerSession): ReceivedMail {
  const addressText = (value: ParsedMail['from'] | ParsedMail['to']) =>
    (Array.isArray(value) ? value.map((v) => v.text).join(', ') : value?.text) ?? '';
  return {
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    raw,
    parsed,
    subject: parsed.subject ?? '',
    messageId: parsed.messageId,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    header(name) {
      const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
      return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    },
  };
}
