/**
 * What each email template needs. The mail layer takes `data` as a plain record (it arrives
 * from job payloads), so every field is checked here at send time: a job built with a missing
 * or mistyped field fails loudly instead of sending "Closes on ." to a thousand people.
 */

export type TemplateName = 'round-alert' | 'round-open' | 'round-closing' | 'grantee-reminder' | 'rag-alert' | 'subscription-confirm' | 'sign-in-link' | 'invitation' | 'draft-reminder' | 'application-sent';

export const TEMPLATE_NAMES: readonly TemplateName[] = ['round-alert', 'round-open', 'round-closing', 'grantee-reminder', 'rag-alert', 'subscription-confirm', 'sign-in-link', 'invitation', 'draft-reminder', 'application-sent'];

/**
 * `subscriber` mail is marketing-like (alerts someone asked for) and must carry an unsubscribe
 * link (PECR; api.md: "Every alert carries an unsubscribe link"). `grantee` and `staff` mail is
 * service mail about a grant or the job: no unsubscribe. `requester` mail answers something the
 * person just asked for (confirming alerts): no unsubscribe either, there is nothing to leave yet.
 */
export type Audience = 'subscriber' | 'grantee' | 'staff' | 'requester';

export type MonitoringKind = 'check-in' | 'return' | 'case-study';
export type RagRating = 'green' | 'amber' | 'red';

/** ISO 8601 instant with an offset, e.g. `2027-01-11T09:00:00Z`. */
type Instant = string;
/** Absolute http(s) URL. */
type Url = string;

// Type aliases, not interfaces, so a value of these types is assignable to OutgoingMail['data'].

export type RoundAlertData = {
  roundName: string;
  /** Zone names as people know them ("Bell Foundry"), not ids. */
  zones: string[];
  themes: string[];
  opensAt: Instant;
  closesAt: Instant;
  roundUrl: Url;
  /** Where the guidance pack and example bid are; without it the mail points to the round page. */
  guidanceUrl?: Url;
};

export type RoundOpenData = {
  roundName: string;
  closesAt: Instant;
  roundUrl: Url;
  zones?: string[];
};

export type RoundClosingData = {
  roundName: string;
  closesAt: Instant;
  roundUrl: Url;
};

export type ApplicationSentData = {
  title: string;
  roundName: string;
  reference: string;
  /** A copy of the answers sent, one "Question: answer" line each. */
  answers: string[];
  decisionsBy: Instant;
  applicationUrl: Url;
};

export type DraftReminderData = {
  draftTitle: string;
  roundName: string;
  closesAt: Instant;
  /** The draft's own page, where it is finished and sent. */
  applicationUrl: Url;
};

export type GranteeReminderData = {
  grantTitle: string;
  organisationName?: string;
  /** As in the monitoring schedule (`DueItem.kind`). */
  kind: MonitoringKind;
  /** When it is due: an instant, or a calendar day such as `2026-09-30`. */
  dueAt: string;
  applicationUrl: Url;
};

export type RagAlertData = {
  grantTitle: string;
  organisationName: string;
  previous: RagRating;
  rating: RagRating;
  reason: string;
  applicationUrl: Url;
};

export type SubscriptionConfirmData = {
  /** The page whose button confirms: the link alone changes nothing (mail scanners open links). */
  confirmUrl: Url;
  /** Zone names the alerts are for; empty: every zone. */
  zones: string[];
};

export type SignInLinkData = {
  /** The page that names the address and whose Continue button signs in (the link alone does not). */
  signInUrl: Url;
  /** When the link stops working. */
  expiresAt: Instant;
};

export type InvitationData = {
  /** What the person was invited to, as a phrase: "the Bell Foundry Gardeners", "the panel for Summer round 2026". */
  invitedTo: string;
  /** Who invited them, as the person signed in (their address), when a person did. */
  invitedBy?: string;
  signInUrl: Url;
};

export interface TemplateDataMap {
  'round-alert': RoundAlertData;
  'round-open': RoundOpenData;
  'round-closing': RoundClosingData;
  'grantee-reminder': GranteeReminderData;
  'rag-alert': RagAlertData;
  'subscription-confirm': SubscriptionConfirmData;
  'sign-in-link': SignInLinkData;
  invitation: InvitationData;
  'draft-reminder': DraftReminderData;
  'application-sent': ApplicationSentData;
}

export type FieldKind =
  | { type: 'text' }
  | { type: 'texts' }
  | { type: 'instant' }
  | { type: 'date' }
  | { type: 'url' }
  | { type: 'oneOf'; values: readonly string[] };

export interface FieldSpec {
  kind: FieldKind;
  optional?: boolean;
}

export interface TemplateSpec {
  audience: Audience;
  fields: Record<string, FieldSpec>;
}

const text: FieldSpec = { kind: { type: 'text' } };
const texts: FieldSpec = { kind: { type: 'texts' } };
const instant: FieldSpec = { kind: { type: 'instant' } };
const url: FieldSpec = { kind: { type: 'url' } };
const rating: FieldSpec = { kind: { type: 'oneOf', values: ['green', 'amber', 'red'] } };
const optional = (spec: FieldSpec): FieldSpec => ({ ...spec, optional: true });

export const TEMPLATE_SPECS: { [K in TemplateName]: TemplateSpec & { fields: Record<keyof TemplateDataMap[K], FieldSpec> } } = {
  'round-alert': {
    audience: 'subscriber',
    fields: { roundName: text, zones: texts, themes: texts, opensAt: instant, closesAt: instant, roundUrl: url, guidanceUrl: optional(url) },
  },
  'round-open': {
    audience: 'subscriber',
    fields: { roundName: text, closesAt: instant, roundUrl: url, zones: optional(texts) },
  },
  'round-closing': {
    audience: 'subscriber',
    fields: { roundName: text, closesAt: instant, roundUrl: url },
  },
  'application-sent': {
    audience: 'grantee',
    fields: { title: text, roundName: text, reference: text, answers: texts, decisionsBy: instant, applicationUrl: url },
  },
  'draft-reminder': {
    audience: 'grantee',
    fields: { draftTitle: text, roundName: text, closesAt: instant, applicationUrl: url },
  },
  'grantee-reminder': {
    audience: 'grantee',
    fields: {
      grantTitle: text,
      organisationName: optional(text),
      kind: { kind: { type: 'oneOf', values: ['check-in', 'return', 'case-study'] } },
      dueAt: { kind: { type: 'date' } },
      applicationUrl: url,
    },
  },
  'subscription-confirm': {
    audience: 'requester',
    fields: { confirmUrl: url, zones: texts },
  },
  'sign-in-link': {
    audience: 'requester',
    fields: { signInUrl: url, expiresAt: instant },
  },
  invitation: {
    audience: 'requester',
    fields: { invitedTo: text, invitedBy: optional(text), signInUrl: url },
  },
  'rag-alert': {
    audience: 'staff',
    fields: { grantTitle: text, organisationName: text, previous: rating, rating, reason: text, applicationUrl: url },
  },
};

export function isTemplateName(value: unknown): value is TemplateName {
  return typeof value === 'string' && (TEMPLATE_NAMES as readonly string[]).includes(value);
}
