import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace for everything derived from a dedupe key. The same uuid names the `email-<uuid>`
 * stream and is the local part of the Message-ID, so a Message-ID found in a mailbox leads
 * straight to the event that recorded the send.
 */
const EMAIL_NAMESPACE = '0d7c9a1e-4b6f-4e1a-8f3d-5a2c7e9b1f64';

export function dedupeUuid(dedupeKey: string): string {
  return uuidv5(dedupeKey, EMAIL_NAMESPACE);
}

/**
 * The same dedupe key always gives the same Message-ID, so when a send is repeated (a crash
 * after the server accepted it, two workers racing) every copy carries one Message-ID, and
 * receiving servers and mail clients that de-duplicate on it show the mail once.
 */
export function messageIdFor(dedupeKey: string, domain: string): string {
  return `<${dedupeUuid(dedupeKey)}@${domain}>`;
}

export function randomMessageId(domain: string): string {
  return `<${randomUUID()}@${domain}>`;
}

const MESSAGE_ID = /^<?([^<>@\s]+@[^<>@\s]+)>?$/;

/** `<local@domain>`, accepting it with or without brackets; throws on anything that is not one. */
export function normaliseMessageId(value: string): string {
  const match = MESSAGE_ID.exec(value);
  if (!match || /[\u0000-\u001f\u007f]/.test(value)) throw new TypeError('messageId must look like <local@domain>');
  return `<${match[1]}>`;
}

/** The domain of MAIL_FROM's address: "People Zones Grants <grants@localhost>" gives "localhost". */
export function domainOf(mailFrom: string): string {
  const match = /@([^\s<>@]+?)>?\s*$/.exec(mailFrom.trim());
  if (!match) throw new TypeError('MAIL_FROM has no address with a domain');
  return match[1].toLowerCase();
}
