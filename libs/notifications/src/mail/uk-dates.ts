import { DateTime } from 'luxon';
import { SERVICE_ZONE } from '@pz/platform/domain';

/**
 * Dates in emails are read by people in Leicestershire, so they are written the GOV.UK way in
 * UK time whatever the server's zone: "Monday 1 June 2026, 9:00am". Events keep UTC; only the
 * words change here, and a round that opens at 08:00Z in June correctly reads 9:00am.
 */
export const UK_ZONE = SERVICE_ZONE;

/** An instant with an explicit offset: a zone-less time would silently mean the server's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && DateTime.fromISO(value).isValid;
}

/** A calendar day (`2026-06-01`, a day in the UK) or an instant. */
export function isDateLike(value: unknown): value is string {
  return (typeof value === 'string' && CALENDAR_DATE.test(value) && DateTime.fromISO(value).isValid) || isInstant(value);
}

function inUk(value: string): DateTime {
  // A bare calendar date is already a UK day: reading it as UTC midnight would be right only by luck.
  const parsed = CALENDAR_DATE.test(value)
    ? DateTime.fromISO(value, { zone: UK_ZONE })
    : DateTime.fromISO(value, { setZone: true }).setZone(UK_ZONE);
  if (!parsed.isValid) throw new RangeError('Not an ISO 8601 date or time');
  return parsed.setLocale('en-GB');
}

/** "Monday 1 June 2026" */
export function ukDate(value: string): string {
  return inUk(value).toFormat('cccc d LLLL yyyy');
}

/** "Monday 1 June 2026, 9:00am" */
export function ukDateTime(value: string): string {
  const t = inUk(value);
  // Lower-case am/pm is GOV.UK style; Intl's day periods vary between ICU versions, so not from there.
  return `${t.toFormat('cccc d LLLL yyyy')}, ${t.toFormat('h:mm')}${t.hour < 12 ? 'am' : 'pm'}`;
}

/** "Bell Foundry, New Parks and Thringstone & Whitwick" */
export function ukList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
