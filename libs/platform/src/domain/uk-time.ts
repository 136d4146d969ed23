import { DateTime, Duration } from 'luxon';

/**
 * One way to add a duration everywhere: calendar-aware, in UK time. "P1M" is a calendar month and
 * "P28D" is 28 days on the clock on the wall, so an alert planned 4 weeks before a 9am opening
 * goes at 9am, across a change to or from British Summer Time, as it would in anyone's diary.
 * Instants stay ISO 8601 in UTC.
 */
export const SERVICE_ZONE = 'Europe/London';

export function plusDuration(instant: string, duration: string): string {
  return DateTime.fromISO(instant, { zone: SERVICE_ZONE }).plus(Duration.fromISO(duration)).toUTC().toISO()!;
}

export function minusDuration(instant: string, duration: string): string {
  return DateTime.fromISO(instant, { zone: SERVICE_ZONE }).minus(Duration.fromISO(duration)).toUTC().toISO()!;
}

/** The last millisecond of a calendar day (`YYYY-MM-DD`) in UK time, as a UTC instant. */
export function endOfUkDay(day: string): string {
  return DateTime.fromISO(day, { zone: SERVICE_ZONE }).endOf('day').toUTC().toISO()!;
}
