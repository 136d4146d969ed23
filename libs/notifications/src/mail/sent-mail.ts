import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyError, EVENT_STORE, EventStore, KeyedSerialQueue, revisionOf } from '@pz/event-store';
import { PersonalDataVault } from '@pz/people';
import { CommandContext, DomainEvent, toNewEvents } from '@pz/platform';
import { Mailer, OutgoingMail } from './mailer';
import { dedupeUuid, messageIdFor } from './message-id';
import type { TemplateName } from './template-specs';

export const EMAIL_SENT = 'EmailSent';

export interface EmailSentData {
  dedupeKey: string;
  template: TemplateName;
  /** The recipient's pseudonymous person id (`PersonalDataVault.personIdFor`), never the address. */
  to: string;
  /** `<uuidv5(dedupeKey)@MAIL_FROM domain>`: the same for every attempt with this key. */
  messageId: string;
  /** When the mail server (or the outbox) took the message. */
  sentAt: string;
}

export type EmailSent = DomainEvent<typeof EMAIL_SENT, EmailSentData>;

/** `sent`: this call handed the mail over. `already-sent`: a send with this key was recorded before (or alongside). */
export type SendOnceOutcome = 'sent' | 'already-sent';

export function emailStreamId(dedupeKey: string): string {
  return `email-${dedupeUuid(dedupeKey)}`;
}

/**
 * Dedupe keys are stored in events and are one of the inputs of the Message-ID, so they must
 * name things by id (`round-alert:<roundId>:<subscriptionId>`), never by a person's address.
 */
function assertDedupeKey(dedupeKey: unknown): asserts dedupeKey is string {
  if (typeof dedupeKey !== 'string' || dedupeKey.trim() === '' || dedupeKey.length > 500) {
    throw new TypeError('dedupeKey must be non-empty text of at most 500 characters');
  }
  if (dedupeKey.includes('@')) throw new TypeError('dedupeKey must not contain an email address: use ids');
  if (/[\u0000-\u001f\u007f]/.test(dedupeKey)) throw new TypeError('dedupeKey must not contain control characters');
}

/**
 * Sends a mail at most once per dedupe key, normally: it looks for an EmailSent event in the
 * key's stream, sends only if there is none, then records one. See docs/design/email.md for why
 * "normally" (a crash between the server's acceptance and the append can repeat one mail, which
 * then carries the same Message-ID).
 */
@Injectable()
export class SentMail {
  /**
   * Two calls with one key in this process (a job retried while its first run is still going,
   * two processors meeting the same event) would otherwise both find no EmailSent and both
   * send. Queued, the second finds the first's record and sends nothing; if the first failed,
   * the second tries for itself.
   */
  private readonly sendsByKey = new KeyedSerialQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly mailer: Mailer,
    private readonly vault: PersonalDataVault,
  ) {}

  async sendOnce(mail: Omit<OutgoingMail, 'messageId'>, dedupeKey: string, context: CommandContext): Promise<SendOnceOutcome> {
    assertDedupeKey(dedupeKey);
    const streamId = emailStreamId(dedupeKey);
    return this.sendsByKey.run(streamId, () => this.checkSendRecord(mail, dedupeKey, streamId, context));
  }

  /** Whether a send with this key has been recorded. */
  async wasSent(dedupeKey: string): Promise<boolean> {
    assertDedupeKey(dedupeKey);
    const history = await this.store.readStream(emailStreamId(dedupeKey));
    return history.some((e) => e.type === EMAIL_SENT);
  }

  private async checkSendRecord(
    mail: Omit<OutgoingMail, 'messageId'>,
    dedupeKey: string,
    streamId: string,
    context: CommandContext,
  ): Promise<SendOnceOutcome> {
    const history = await this.store.readStream(streamId);
    if (history.some((e) => e.type === EMAIL_SENT)) return 'already-sent';

    // Before sending: anything that can fail without side effects fails while nothing has gone out.
    const person = await this.vault.personIdFor(mail.to);
    const { messageId } = await this.mailer.send({ ...mail, messageId: messageIdFor(dedupeKey, this.mailer.messageDomain) });

    const event: EmailSent = {
      type: EMAIL_SENT,
      data: { dedupeKey, template: mail.template, to: person, messageId, sentAt: new Date().toISOString() },
    };
    // A fresh event id, not one derived from the context's Idempotency-Key: a derived id would
    // make a racing worker's append look like a harmless retry of ours instead of a conflict.
    const events = toNewEvents([event], { ...context, idempotencyKey: undefined });
    try {
      // The stream is new (revisionOf(history) is 'no_stream'): whoever appends first owns the send.
      await this.store.append(streamId, events, revisionOf(history));
      return 'sent';
    } catch (error) {
      // Another process sent and recorded the same key while we were sending. Both mails went
      // out with one Message-ID; one EmailSent stands. That is the documented duplicate window.
      if (error instanceof ConcurrencyError) return 'already-sent';
      throw error;
    }
  }
}
