import type { AppendResult } from './event-store';

/** What one request of a group commit came to: its append's result (none for a checkpoint), or its own error. */
export type GroupOutcome = { ok: true; result?: AppendResult } | { ok: false; error: unknown };

/** A queued append or checkpoint, as far as settling it goes. */
export type GroupRequest =
  | { kind: 'append'; resolve(result: AppendResult): void; reject(error: unknown): void }
  | { kind: 'checkpoint'; resolve(): void; reject(error: unknown): void };

/**
 * Answers each request of a committed group with its own outcome; answers how many were appends,
 * since a group of checkpoints only added nothing to the log and need wake no follower.
 */
export function settleGroup(group: readonly GroupRequest[], outcomes: readonly GroupOutcome[]): number {
  let appends = 0;
  group.forEach((request, i) => {
    const outcome = outcomes[i];
    if (!outcome.ok) request.reject(outcome.error);
    else if (request.kind === 'append') {
      appends += 1;
      request.resolve(outcome.result!);
    } else request.resolve();
  });
  return appends;
}
