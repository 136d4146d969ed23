import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { reassess } from './monitored';
import type { RagPolicy } from './policy';

/** The worker applies the RAG policy when an item's lateness crosses Amber or Red. */
export interface EvaluateRag {
  type: 'EvaluateRag';
  applicationId: string;
  ragPolicy: RagPolicy;
  now: string;
}

export function evaluateRag(c: EvaluateRag, application: ExistingApplication): ApplicationEvent[] {
  return application.status === 'awarded' ? reassess(application, c.now, c.ragPolicy) : [];
}
