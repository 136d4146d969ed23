import { LRUCache } from 'lru-cache';
import { SERVICE_ZONE } from '@pz/platform/domain';

/**
 * How pages write dates, times and money (the GOV.UK style guide): "14 June 2025",
 * "5pm on 14 June 2025", "£3,000", always in UK time whatever the server's zone.
 *
 * Pages write many of these (a calendar of rounds has three per round), so the formatters are
 * made once and each written instant is remembered: luxon's toFormat took ~90 µs a date, most
 * of a page's render time.
 */
const UK_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: SERVICE_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface UkParts {
  day: number;
  month: string;
  year: number;
  hour: number;
  minute: number;
  second: number;
}

const written = new LRUCache<string, UkParts>({ max: 10_000 });

function uk(iso: string): UkParts {
  const known = written.get(iso);
  if (known) return known;
  const calendar = CALENDAR_DATE.exec(iso);
  let parts: UkParts;
  if (calendar) {
    // A calendar date is that day in the UK, whatever the time zone of the server.
    const [, year, month, day] = calendar;
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) throw new Error(`Not a date: ${iso}`);
    parts = { day: Number(day), month: MONTHS[Number(month) - 1], year: Number(year), hour: 0, minute: 0, second: 0 };
  } else {
    const at = Date.parse(iso);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(at)) throw new Error(`Not a date: ${iso}`);
    const get = (type: Intl.DateTimeFormatPartTypes, all: Intl.DateTimeFormatPart[]) => all.find((p) => p.type === type)!.value;
    const all = UK_PARTS.formatToParts(at);
    parts = {
      day: Number(get('day', all)),
      month: get('month', all),
      year: Number(get('year', all)),
      hour: Number(get('hour', all)),
      minute: Number(get('minute', all)),
      second: Number(get('second', all)),
    };
  }
  written.set(iso, parts);
  return parts;
}

/** "14 June 2025" */
export function ukDate(iso: string): string {
  const t = uk(iso);
  return `${t.day} ${t.month} ${t.year}`;
}

/** "5pm", "5:30pm", "midday", "midnight" */
export function ukTime(iso: string): string {
  const t = uk(iso);
  if (t.hour === 12 && t.minute === 0) return 'midday';
  if (t.hour === 0 && t.minute === 0) return 'midnight';
  // 23:59:59 is how the end of a day is stored: people read it as the last minute of that day.
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const suffix = t.hour < 12 ? 'am' : 'pm';
  return t.minute === 0 ? `${hour12}${suffix}` : `${hour12}:${String(t.minute).padStart(2, '0')}${suffix}`;
}

/** "5pm on 14 June 2025" */
export function ukDateTime(iso: string): string {
  return `${ukTime(iso)} on ${ukDate(iso)}`;
}

const WHOLE_POUNDS = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const POUNDS_AND_PENCE = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "£3,000" for whole pounds, "£3,000.50" otherwise. */
export function pounds(pence: number): string {
  return `£${(pence % 100 === 0 ? WHOLE_POUNDS : POUNDS_AND_PENCE).format(pence / 100)}`;
}
