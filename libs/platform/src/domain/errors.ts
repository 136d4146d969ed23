/**
 * Errors a decision can raise. They carry no HTTP knowledge; the HTTP edge maps them
 * (invalid -> 400, not found -> 404, forbidden -> 403, conflict -> 409).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'not_found' | 'forbidden' | 'conflict';
}

/** Input that breaks a rule; `problems` names every bad field. */
export class InvalidCommand extends DomainError {
  readonly kind = 'invalid' as const;
  override readonly name = 'InvalidCommand';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not_found' as const;
  override readonly name = 'NotFound';
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
  override readonly name = 'Forbidden';
}

/** The command is well-formed but the state does not allow it (closed round, over budget, decided). */
export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
  override readonly name = 'Conflict';
}

/** Collects rule violations so a command can report all of them at once. */
export class Problems {
  private readonly list: string[] = [];
  check(ok: boolean, problem: string): this {
    if (!ok) this.list.push(problem);
    return this;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new InvalidCommand(this.list);
  }
}
