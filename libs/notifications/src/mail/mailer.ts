import { constants } from 'node:fs';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { MailTemplates } from './mail-templates';
import { domainOf, normaliseMessageId, randomMessageId } from './message-id';
import type { TemplateName } from './template-specs';

export interface OutgoingMail {
  /** One address. Never logged, never put in an event or an error message. */
  to: string;
  template: TemplateName;
  /** The template's fields (see TemplateDataMap); checked at send time. */
  data: Record<string, unknown>;
  /** Required for subscriber mail (round-*), refused for any other: link in the body and List-Unsubscribe. */
  unsubscribeUrl?: string;
  /** Where List-Unsubscribe points a mail client's one-click POST (RFC 8058); the page's link when absent. */
  oneClickUnsubscribeUrl?: string;
  /** `<local@domain>`; given, the send is recognisable as a repeat. Default: a random one. */
  messageId?: string;
}

export type MailerConfig = Pick<AppConfig, 'smtpUrl' | 'outboxDir' | 'mailFrom'>;

/** A recipient that is not exactly one plain address. Says why, never what the address was. */
export class InvalidRecipientError extends Error {
  override readonly name = 'InvalidRecipientError';
}

/**
 * The mail server or the outbox refused the message. Carries what a retry policy needs and no
 * more: nodemailer's own errors quote the server's reply, which often repeats the recipient's
 * address, and a job runner stores failure messages in Redis.
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    message: string,
    /** nodemailer's code (EENVELOPE, EMESSAGE, ECONNECTION, ETIMEDOUT, ...) when there is one. */
    readonly code: string | undefined,
    /** The SMTP reply code, e.g. 451 or 550. */
    readonly responseCode: number | undefined,
    /** True when the server refused the message for good (5xx): retrying will not help. */
    readonly permanent: boolean,
  ) {
    super(message);
  }

  static from(error: unknown): MailDeliveryError {
    const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; permanent?: unknown };
    const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    const permanent = e.permanent === true || (responseCode !== undefined && responseCode >= 500 && responseCode !== 503);
    return new MailDeliveryError(
      `Mail not sent: ${redactAddresses(String(e.message ?? error))}`,
      typeof e.code === 'string' ? e.code : undefined,
      responseCode,
      permanent,
    );
  }
}

const ADDRESS_LIKE = /[^\s<>@"'(),;:]+@[^\s<>@"'(),;:]+/g;

function redactAddresses(text: string): string {
  return text.replace(ADDRESS_LIKE, '[address]');
}

/** One mailbox, nothing that could be read as a second recipient, a display name or a header. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"'()[\]\\]+@[^\s@<>,;:"'()[\]\\]+$/;

function assertSingleAddress(to: unknown): asserts to is string {
  if (typeof to !== 'string') throw new InvalidRecipientError('The recipient must be a string');
  // Named apart from the general check: a line break here is an attempt to inject a header.
  if (/[\r\n]/.test(to)) throw new InvalidRecipientError('The recipient address contains a line break');
  if (!SINGLE_ADDRESS.test(to.trim())) throw new InvalidRecipientError('The recipient must be exactly one plain email address');
}

/**
 * How mail leaves the service: rendered from a template, sent over SMTP (pooled) when SMTP_URL
 * is set, otherwise written as a `.eml` file to OUTBOX_DIR (development, demos, tests).
 *
 * It decides nothing about when or whether to send (the jobs do) and remembers nothing (SentMail
 * records sends). It logs nothing: addresses and bodies are personal data, and a failure is
 * reported to the caller as a MailDeliveryError with addresses removed.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  readonly mode: 'smtp' | 'outbox';
  /** The domain of MAIL_FROM: the right-hand side of every Message-ID this service makes. */
  readonly messageDomain: string;
  private readonly templates: MailTemplates;
  private readonly transport: Transporter;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: MailerConfig,
    @Optional() templates?: MailTemplates,
  ) {
    this.templates = templates ?? new MailTemplates();
    this.messageDomain = domainOf(config.mailFrom);
    if (config.smtpUrl) {
      this.mode = 'smtp';
      this.transport = nodemailer.createTransport({
        url: config.smtpUrl,
        // One connection reused across a batch of alerts instead of a TCP+EHLO handshake per mail.
        pool: true,
        maxConnections: 3,
        // nodemailer's defaults (2 minutes to connect, 10 to idle) would hold a job far past its
        // retry delay when the server is down; fail fast and let the job's backoff do the waiting.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 60_000,
        logger: false,
        debug: false,
      });
    } else {
      this.mode = 'outbox';
      // CRLF, so the file holds exactly the bytes an SMTP server would have received.
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    }
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (this.closed) throw new MailDeliveryError('Mail not sent: the mailer is closed', 'ECLOSED', undefined, false);
    assertSingleAddress(mail.to);
    const messageId = mail.messageId === undefined ? randomMessageId(this.messageDomain) : normaliseMessageId(mail.messageId);
    const rendered = this.templates.render(mail.template, mail.data, { unsubscribeUrl: mail.unsubscribeUrl });

    const message: SendMailOptions = {
      from: this.config.mailFrom,
      to: mail.to.trim(),
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      headers: {
        // RFC 3834: tells auto-responders (out-of-office) not to answer, so no reply loop starts.
        'Auto-Submitted': 'auto-generated',
        // RFC 8058 one-click: POST /subscriptions/unsubscribe accepts it (api.md).
        ...(mail.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      },
      ...(mail.unsubscribeUrl ? { list: { unsubscribe: mail.oneClickUnsubscribeUrl ?? mail.unsubscribeUrl } } : {}),
      // Mail content never pulls in files or URLs from the machine it is sent on.
      disableFileAccess: true,
      disableUrlAccess: true,
    };

    if (this.mode === 'outbox') return this.writeToOutbox(message, messageId);
    try {
      await this.transport.sendMail(message);
    } catch (error) {
      throw MailDeliveryError.from(error);
    }
    return { messageId };
  }

  /**
   * SMTP: connects and greets (a round trip to the server, so not for a per-second probe).
   * Outbox: the folder exists or can be made, and is writable.
   */
  async verify(): Promise<void> {
    if (this.mode === 'outbox') {
      await mkdir(this.config.outboxDir, { recursive: true });
      await access(this.config.outboxDir, constants.W_OK);
      return;
    }
    try {
      await this.transport.verify();
    } catch (error) {
      throw MailDeliveryError.from(error);
    }
  }

  /** Closes the SMTP pool's connections; later sends are refused. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }

  onApplicationShutdown(): void {
    this.close();
  }

  private async writeToOutbox(message: SendMailOptions, messageId: string): Promise<{ messageId: string }> {
    try {
      const info = (await this.transport.sendMail(message)) as { message: Buffer };
      await mkdir(this.config.outboxDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[-:.]/g, '');
      const id = messageId.slice(1, messageId.indexOf('@')).replace(/[^A-Za-z0-9_-]/g, '_');
      const name = `${stamp}-${id}.eml`;
      // Written aside and renamed, so whoever watches the folder never reads half a message.
      const partial = join(this.config.outboxDir, `.${name}.partial`);
      await writeFile(partial, info.message, { mode: 0o600 });
      await rename(partial, join(this.config.outboxDir, name));
    } catch (error) {
      throw MailDeliveryError.from(error);
    }
    return { messageId };
  }
}
