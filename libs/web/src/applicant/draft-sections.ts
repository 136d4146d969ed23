import { createHash } from 'node:crypto';
import type { ApplicationDoc } from '@pz/applications';
import type { Partner } from '@pz/applications/domain';
import type { RoundView } from '@pz/rounds';
import { FormFields, textOf } from '../shell/form';
import type { FieldError } from '../shell/page-renderer';

/** One page of the draft's task list, and the answers it holds. */
export interface DraftSection {
  key: string;
  /** The task's name in the list, and the page's heading. */
  title: string;
  /** The draft's fields this section answers (what the task list counts). */
  fields: readonly string[];
  /** The form's inputs, as posted (a date is three). */
  inputs: readonly string[];
  /** A section a round does not require (partners outside a collaborative round). */
  optional?: (round: RoundView) => boolean;
}

export const DRAFT_SECTIONS: readonly DraftSection[] = [
  { key: 'about', title: 'About the project', fields: ['title', 'summary'], inputs: ['title', 'summary'] },
  { key: 'where', title: 'Where and what', fields: ['zone', 'theme'], inputs: ['zone', 'theme'] },
  {
    key: 'dates',
    title: 'When it runs',
    fields: ['projectStart', 'projectEnd'],
    inputs: ['projectStart-day', 'projectStart-month', 'projectStart-year', 'projectEnd-day', 'projectEnd-month', 'projectEnd-year'],
  },
  { key: 'money', title: 'How much you are asking for', fields: ['requestedPence'], inputs: ['requestedPounds'] },
  { key: 'sustainability', title: 'How it will last', fields: ['sustainability'], inputs: ['sustainability'] },
  { key: 'partners', title: 'Partners', fields: ['partners'], inputs: ['partners'], optional: (round) => round.kind !== 'collaborative' },
  { key: 'contact', title: 'Who we contact', fields: ['contactEmail'], inputs: ['contactEmail'] },
];

/** Each form field in plain words (for the "someone else changed this" comparison). */
export const FIELD_LABELS: Record<string, string> = {
  title: 'Project name',
  summary: 'Summary',
  zone: 'People Zone',
  theme: 'Theme',
  'projectStart-day': 'Start day',
  'projectStart-month': 'Start month',
  'projectStart-year': 'Start year',
  'projectEnd-day': 'End day',
  'projectEnd-month': 'End month',
  'projectEnd-year': 'End year',
  requestedPounds: 'Amount (£)',
  sustainability: 'How it will last',
  partners: 'Partners',
  contactEmail: 'Contact email',
};

export type TaskStatus = 'Completed' | 'In progress' | 'Not yet started' | 'Optional';

/** What the draft has answered for one field, as the task list counts it. */
function answered(doc: ApplicationDoc, field: string): boolean {
  switch (field) {
    case 'requestedPence':
      return doc.requestedPence > 0;
    case 'partners':
      return doc.partners.length > 0;
    case 'contactEmail':
      return doc.contact !== null;
    default:
      return String((doc as unknown as Record<string, unknown>)[field] ?? '').trim() !== '';
  }
}

export function statusOf(section: DraftSection, doc: ApplicationDoc, round: RoundView): TaskStatus {
  const done = section.fields.filter((f) => answered(doc, f)).length;
  if (done === section.fields.length) return 'Completed';
  if (done === 0) return section.optional?.(round) ? 'Optional' : 'Not yet started';
  return 'In progress';
}

export function allComplete(doc: ApplicationDoc, round: RoundView): boolean {
  return DRAFT_SECTIONS.every((s) => ['Completed', 'Optional'].includes(statusOf(s, doc, round)));
}

/** The form's values for a section: what was typed (after a refusal) or what the draft holds. */
export function valuesOf(doc: ApplicationDoc, contactEmail: string | null): Record<string, string> {
  const [startYear, startMonth, startDay] = (doc.projectStart || '--').split('-');
  const [endYear, endMonth, endDay] = (doc.projectEnd || '--').split('-');
  return {
    title: doc.title,
    summary: doc.summary,
    zone: doc.zone,
    theme: doc.theme,
    'projectStart-day': stripZero(startDay),
    'projectStart-month': stripZero(startMonth),
    'projectStart-year': startYear ?? '',
    'projectEnd-day': stripZero(endDay),
    'projectEnd-month': stripZero(endMonth),
    'projectEnd-year': endYear ?? '',
    requestedPounds: doc.requestedPence > 0 ? poundsText(doc.requestedPence) : '',
    sustainability: doc.sustainability,
    partners: doc.partners.map((p) => p.name).join('\n'),
    contactEmail: contactEmail ?? '',
  };
}

const stripZero = (part: string | undefined) => (part ? String(Number(part)) : '');
const poundsText = (pence: number) => (pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2));

/**
 * A fingerprint of a section's answers as the form showed them: a save over a newer revision is
 * a clash only when this section's own answers moved since (a colleague's save of another
 * section is not).
 */
export function sectionPrint(section: DraftSection, values: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(section.inputs.map((name) => values[name] ?? ''))).digest('base64url').slice(0, 22);
}

/** The typed values of a section's form, as strings to show back. */
export function typedValues(body: FormFields): Record<string, string> {
  const names = ['title', 'summary', 'zone', 'theme', 'projectStart-day', 'projectStart-month', 'projectStart-year', 'projectEnd-day', 'projectEnd-month', 'projectEnd-year', 'requestedPounds', 'sustainability', 'partners', 'contactEmail'];
  return Object.fromEntries(names.map((n) => [n, textOf(body, n)]));
}

export interface SectionChanges {
  changes: Record<string, unknown>;
  contactEmail?: string;
}

/**
 * A section's answers checked for their shape (the domain checks the rules: a zone the round
 * covers, an end after the start and after the close), each problem named by its field.
 */
export function readSection(section: DraftSection, values: Record<string, string>, round: RoundView): { ok: true; value: SectionChanges } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const changes: Record<string, unknown> = {};
  let contactEmail: string | undefined;
  const text = (field: string, label: string, max: number, required = true) => {
    const value = values[field];
    if (value === '' && required) errors.push({ field, text: `Enter ${label}` });
    else if (value.length > max) errors.push({ field, text: `${capitalise(label)} must be ${max} characters or fewer` });
    else if (value !== '') changes[field] = value;
  };
  switch (section.key) {
    case 'about':
      text('title', 'the name of your project', 200);
      if (/[\r\n]/.test(values.title)) errors.push({ field: 'title', text: 'The name must be on one line' });
      text('summary', 'a summary of your project', 5000);
      break;
    case 'where':
      if (!round.zones.includes(values.zone)) errors.push({ field: 'zone', text: 'Select the People Zone your project is in' });
      else changes.zone = values.zone;
      if (!round.themes.includes(values.theme)) errors.push({ field: 'theme', text: 'Select the theme your project is about' });
      else changes.theme = values.theme;
      break;
    case 'dates':
      for (const [field, label] of [['projectStart', 'start'], ['projectEnd', 'end']] as const) {
        const day = dateOf(values[`${field}-day`], values[`${field}-month`], values[`${field}-year`]);
        if (day === null) errors.push({ field, text: `Enter the ${label} date as a real date, for example 1 9 2026` });
        else changes[field] = day;
      }
      break;
    case 'money': {
      const pounds = values.requestedPounds.replace(/[£,\s]/g, '');
      if (pounds === '') errors.push({ field: 'requestedPounds', text: 'Enter how much you are asking for' });
      else if (!/^\d{1,7}(\.\d{1,2})?$/.test(pounds) || Number(pounds) <= 0) errors.push({ field: 'requestedPounds', text: 'Enter an amount in pounds, like 3000 or 2500.50' });
      else if (round.maxAwardPence !== null && Math.round(Number(pounds) * 100) > round.maxAwardPence) errors.push({ field: 'requestedPounds', text: `This round gives at most £${(round.maxAwardPence / 100).toLocaleString('en-GB')}` });
      else changes.requestedPence = Math.round(Number(pounds) * 100);
      break;
    }
    case 'sustainability':
      text('sustainability', 'how the project will last after the grant', 5000);
      break;
    case 'partners': {
      const names = values.partners.split('\n').map((n) => n.trim()).filter((n) => n !== '');
      if (names.length === 0 && round.kind === 'collaborative') errors.push({ field: 'partners', text: 'Enter at least one partner: this is a collaborative round' });
      else if (names.length > 20) errors.push({ field: 'partners', text: 'Enter 20 partners or fewer' });
      else if (names.some((n) => n.length > 200)) errors.push({ field: 'partners', text: 'Each partner’s name must be 200 characters or fewer' });
      else changes.partners = names.map((name): Partner => ({ name }));
      break;
    }
    case 'contact':
      contactEmail = values.contactEmail;
      break;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { changes, ...(contactEmail !== undefined ? { contactEmail } : {}) } };
}

/** Day, month and year as typed (GOV.UK date input) to YYYY-MM-DD, or null when not a real date. */
export function dateOf(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? null : iso;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The domain's own refusals ("projectEnd: ...", "zone: ...") put by the field they name, in the
 * page's words where we know them.
 */
export function fieldErrorsOf(problems: string[]): FieldError[] {
  return problems.map((problem) => {
    const field = /^(\w+)[: ]/.exec(problem)?.[1] ?? 'title';
    const pageField = field === 'requestedPence' ? 'requestedPounds' : field;
    return { field: pageField, text: FRIENDLY[field]?.(problem) ?? problem };
  });
}

const FRIENDLY: Record<string, (problem: string) => string> = {
  projectEnd: (p) => (p.includes('after projectStart') ? 'The end date must be after the start date' : 'The project must still be running when the round closes'),
  zone: () => 'Select a People Zone this round covers',
  theme: () => 'Select a theme this round funds',
};
