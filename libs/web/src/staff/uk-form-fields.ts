import { DateTime } from 'luxon';
import { SERVICE_ZONE } from '@pz/platform/domain';
import { FormFields, textOf } from '../shell/form';

/** A date and time as a person types them: day, month, year boxes and a time of day, in UK time. */
export interface TypedMoment {
  day: string;
  month: string;
  year: string;
  time: string;
}

export function typedMoment(body: FormFields, prefix: string): TypedMoment {
  return { day: textOf(body, `${prefix}-day`), month: textOf(body, `${prefix}-month`), year: textOf(body, `${prefix}-year`), time: textOf(body, `${prefix}-time`) };
}

/** An instant as the form shows it back: its day and time on a UK clock. */
export function momentOf(iso: string): TypedMoment {
  const t = DateTime.fromISO(iso, { zone: SERVICE_ZONE });
  return { day: String(t.day), month: String(t.month), year: String(t.year), time: t.toFormat('HH:mm') };
}

/** "9am", "5:30pm", "17:30", "midday", "midnight" -> [hour, minute]; null when it is none of those. */
export function timeOfDay(typed: string): [number, number] | null {
  const text = typed.trim().toLowerCase().replace(/\s+/g, '').replace('.', ':');
  if (text === 'midday' || text === 'noon') return [12, 0];
  if (text === 'midnight') return [0, 0];
  const twelve = /^(\d{1,2})(?::(\d{2}))?(am|pm)$/.exec(text);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = Number(twelve[2] ?? '0');
    if (hour < 1 || hour > 12 || minute > 59) return null;
    return [(hour % 12) + (twelve[3] === 'pm' ? 12 : 0), minute];
  }
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (clock && Number(clock[1]) < 24 && Number(clock[2]) < 60) return [Number(clock[1]), Number(clock[2])];
  return null;
}

/**
 * The instant a typed UK date and time stand for (in UTC, ISO 8601), or what is wrong with it in
 * plain words. `label` names the field for the message ("the opening date").
 */
export function instantOf(typed: TypedMoment, label: string): { iso: string } | { problem: string; part: 'day' | 'time' } {
  if (typed.day === '' && typed.month === '' && typed.year === '') return { problem: `Enter ${label}`, part: 'day' };
  const [day, month, year] = [typed.day, typed.month, typed.year].map((v) => (/^\d{1,4}$/.test(v) ? Number(v) : Number.NaN));
  const date = DateTime.fromObject({ year, month, day }, { zone: SERVICE_ZONE });
  if (!date.isValid || year < 2000 || year > 2100) return { problem: `${capitalise(label)} must be a real date, like 27 3 2026`, part: 'day' };
  if (typed.time === '') return { problem: `Enter the time of ${label}, like 9am or 17:30`, part: 'time' };
  const time = timeOfDay(typed.time);
  if (!time) return { problem: `The time of ${label} must be a time of day, like 9am or 17:30`, part: 'time' };
  const at = date.set({ hour: time[0], minute: time[1] });
  return { iso: at.toUTC().toISO({ suppressMilliseconds: true })! };
}

/** Pounds as typed ("£3,000", "2500.50") -> whole pence; null when not an amount of money. */
export function penceOf(typed: string): number | null {
  const text = typed.replace(/[£,\s]/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text)) return null;
  const [pounds, pence = ''] = text.split('.');
  return Number(pounds) * 100 + Number(pence.padEnd(2, '0'));
}

/** Pence as a form shows them back: "3000" or "3000.50". */
export function poundsField(pence: number): string {
  return pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
