import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { FieldSpec, isTemplateName, MonitoringKind, RagRating, TEMPLATE_NAMES, TEMPLATE_SPECS, TemplateName } from './template-specs';
import { isDateLike, isInstant, ukDate, ukDateTime, ukList } from './uk-dates';

/** Data that does not fit the template's spec; names each bad field, never its value (it may be personal). */
export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
  constructor(
    readonly template: string,
    readonly problems: string[],
  ) {
    super(`Cannot render ${template}: ${problems.join('; ')}`);
  }
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** Subscriber mail only: the link is rendered in the body (and becomes List-Unsubscribe in the Mailer). */
  unsubscribeUrl?: string;
}

interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

/**
 * tsc copies no .hbs files: `npm run build` copies the folder next to the compiled code, and
 * the Docker image keeps it at its source path under the working directory. Looking in both
 * lets ts (jest, tsx), dist and the image all find it without configuration.
 */
export function resolveTemplateDir(): string {
  const candidates = [join(__dirname, '..', 'templates'), resolve(process.cwd(), 'libs/notifications/src/templates')];
  const found = candidates.find((dir) => existsSync(join(dir, '_layout.html.hbs')));
  if (!found) throw new Error(`Email templates not found; looked in ${candidates.join(', ')}`);
  return found;
}

const ITEM_LABELS: Record<MonitoringKind, string> = {
  'check-in': 'first-month check-in',
  return: 'quarterly monitoring return',
  'case-study': 'end-of-project case study',
};

const RAG_LABELS: Record<RagRating, string> = { green: 'Green', amber: 'Amber', red: 'Red' };

/**
 * Handlebars templates for every email, HTML and plain text from the same data.
 *
 * Escaping: the HTML part is compiled with Handlebars' HTML escaping and the templates use only
 * `{{ }}`, so any value (a grant title with `<script>` or `{{`) arrives as text. Data is never
 * compiled, so `{{` in a value is not a template. The text part and the subject are compiled
 * without escaping, because `&amp;` in a plain-text mail or a Subject header is a visible
 * mistake, not a defence: neither is ever interpreted as HTML.
 *
 * Strict mode: a template naming a field its spec does not provide throws at render time (and
 * every template is rendered by the tests), so a typo cannot silently leave a blank in a mail.
 */
export class MailTemplates {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<TemplateName, CompiledTemplate>();

  constructor(readonly dir: string = resolveTemplateDir()) {
    this.hbs.registerHelper('ukDate', (value: unknown) => ukDate(String(value)));
    this.hbs.registerHelper('ukDateTime', (value: unknown) => ukDateTime(String(value)));
    this.hbs.registerHelper('list', (value: unknown) => ukList(Array.isArray(value) ? value.map(String) : []));
    this.hbs.registerPartial('layout', this.read('_layout.html.hbs'));
    this.hbs.registerPartial('textFooter', this.read('_footer.text.hbs'));
    for (const name of TEMPLATE_NAMES) {
      this.compiled.set(name, {
        subject: this.compile(`${name}.subject.hbs`, { strict: true, noEscape: true }),
        html: this.compile(`${name}.html.hbs`, { strict: true }),
        text: this.compile(`${name}.text.hbs`, { strict: true, noEscape: true }),
      });
    }
  }

  audienceOf(template: TemplateName) {
    return TEMPLATE_SPECS[template].audience;
  }

  render(template: TemplateName, data: Record<string, unknown>, options: RenderOptions = {}): RenderedMail {
    if (!isTemplateName(template)) throw new TemplateDataError(String(template), ['no such template']);
    const compiled = this.compiled.get(template)!;
    const context = this.contextFor(template, data, options);
    // A header cannot hold a line break; a title that contains one must not start a new header.
    const subject = compiled.subject(context).replace(/\s+/g, ' ').trim();
    return {
      subject,
      html: compiled.html({ ...context, subject }),
      text: `${compiled.text(context).replace(/\n{3,}/g, '\n\n').trim()}\n`,
    };
  }

  private contextFor(template: TemplateName, data: Record<string, unknown>, options: RenderOptions): Record<string, unknown> {
    const spec = TEMPLATE_SPECS[template];
    const problems: string[] = [];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new TemplateDataError(template, ['data must be an object']);
    }
    const fields: Record<string, FieldSpec> = spec.fields;
    const context: Record<string, unknown> = {};
    for (const [field, fieldSpec] of Object.entries(fields)) {
      const value = data[field];
      if (value === undefined || value === null) {
        if (!fieldSpec.optional) problems.push(`${field} is required`);
        // Present but empty, so strict mode lets `{{#if}}` look at it.
        context[field] = fieldSpec.kind.type === 'texts' ? [] : null;
        continue;
      }
      const problem = checkField(field, fieldSpec, value);
      if (problem) problems.push(problem);
      else context[field] = fieldSpec.kind.type === 'text' ? (value as string).trim() : value;
    }
    for (const field of Object.keys(data)) {
      // Refused rather than ignored: a misspelt optional field would otherwise vanish silently.
      if (!(field in fields)) problems.push(`${field} is not a field of ${template}`);
    }

    const unsubscribeUrl = options.unsubscribeUrl;
    if (spec.audience === 'subscriber') {
      if (unsubscribeUrl === undefined) problems.push('unsubscribeUrl is required: every alert carries an unsubscribe link');
      else if (!isHttpUrl(unsubscribeUrl)) problems.push('unsubscribeUrl must be an absolute http(s) URL');
    } else if (unsubscribeUrl !== undefined) {
      problems.push(`${template} is ${spec.audience} mail, not a subscription: it takes no unsubscribeUrl`);
    }
    if (problems.length > 0) throw new TemplateDataError(template, problems);

    return { ...context, ...derived(template, context), unsubscribeUrl: unsubscribeUrl ?? null };
  }

  /** Read and parsed now: a missing or broken template stops start-up, not the first send a month later. */
  private compile(file: string, options: { strict: true; noEscape?: true }): Handlebars.TemplateDelegate {
    const source = this.read(file);
    this.hbs.parse(source);
    return this.hbs.compile(source, options);
  }

  private read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8');
  }
}

/** Words the templates need that follow from the data, so the templates stay free of logic. */
function derived(template: TemplateName, context: Record<string, unknown>): Record<string, unknown> {
  switch (template) {
    case 'grantee-reminder': {
      const kind = context.kind as MonitoringKind;
      return { dueLabel: ITEM_LABELS[kind], isCheckIn: kind === 'check-in', isReturn: kind === 'return', isCaseStudy: kind === 'case-study' };
    }
    case 'rag-alert':
      return { previousLabel: RAG_LABELS[context.previous as RagRating], ratingLabel: RAG_LABELS[context.rating as RagRating] };
    default:
      return {};
  }
}

function checkField(field: string, spec: FieldSpec, value: unknown): string | null {
  const kind = spec.kind;
  switch (kind.type) {
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? null : `${field} must be non-empty text`;
    case 'texts':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '')
        ? null
        : `${field} must be a list of non-empty text`;
    case 'instant':
      return isInstant(value) ? null : `${field} must be an ISO 8601 time with an offset, such as 2027-01-11T09:00:00Z`;
    case 'date':
      return isDateLike(value) ? null : `${field} must be an ISO 8601 date (2026-09-30) or time with an offset`;
    case 'url':
      return isHttpUrl(value) ? null : `${field} must be an absolute http(s) URL`;
    case 'oneOf':
      return typeof value === 'string' && kind.values.includes(value) ? null : `${field} must be one of ${kind.values.join(', ')}`;
  }
}

/** Links go into href attributes: escaping stops markup, but only this stops `javascript:`. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || /[\s\u0000-\u001f\u007f]/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
