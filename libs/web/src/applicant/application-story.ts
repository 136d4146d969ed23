import type { ApplicationView } from '@pz/applications';

/** The timeline's facts in plain words, as an applicant reads them (web.md). */
const IN_WORDS: Record<string, string> = {
  opened: 'Draft started',
  submitted: 'Application sent',
  withdrawn: 'Application withdrawn',
  awarded: 'Funded: offer made',
  declined: 'Not funded',
  'offer-accepted': 'Offer accepted',
  'check-in': 'First-month check-in sent',
  'monitoring-return': 'Quarterly return sent',
  closed: 'Case study sent: grant closed',
  'rag-rated': 'Monitoring rating changed',
  'dates-changed': 'Project dates changed',
};

/** What happened, oldest first; the many saves of a draft are not news. */
export function timelineInWords(timeline: ApplicationView['timeline']): { text: string; at: string }[] {
  return timeline.filter((t) => t.type in IN_WORDS).map((t) => ({ text: IN_WORDS[t.type], at: t.at }));
}

const TASK_NAMES = { 'check-in': 'First-month check-in', return: 'Quarterly return', 'case-study': 'Case study' } as const;
const TASK_PATHS = { 'check-in': 'check-in', return: 'return', 'case-study': 'case-study' } as const;

export interface GrantTask {
  name: string;
  dueAt: string;
  filedAt: string | null;
  overdue: boolean;
  /** The form for it, for the next one of its kind still to send (each form files the next due). */
  href: string | null;
}

/** A funded grant's monitoring, each item with its due date and, when it is next, its form. */
export function grantTasks(view: ApplicationView, now: string): GrantTask[] {
  const linked = new Set<string>();
  return (view.schedule ?? []).map((item) => {
    const next = item.filedAt === null && view.status === 'awarded' && !linked.has(item.kind);
    if (next) linked.add(item.kind);
    return {
      name: TASK_NAMES[item.kind],
      dueAt: item.dueAt,
      filedAt: item.filedAt,
      overdue: item.filedAt === null && item.dueAt < now,
      href: next ? `/my/applications/${view.id}/${TASK_PATHS[item.kind]}` : null,
    };
  });
}
