import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../domain/command-context';

/**
 * A use case's command on the CommandBus, typed by its result `R`: what the caller gives
 * (`input`), who is acting and when (`context`), and, on routes that take If-Match, the
 * revision the caller last saw (a stale one is a 409, never a retry). Each use case declares
 * its own subclass and one handler for it (docs/design/commands.md).
 */
export abstract class UseCaseCommand<I, R> extends Command<R> {
  constructor(
    readonly input: I,
    readonly context: CommandContext,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}
