import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandInput, UseCaseCommand } from '@pz/platform';
import type { EditDraft, OpenDraft, SubmitApplication, WithdrawApplication } from '../domain';
import { ApplicationChanged, ApplicationStreams } from './application-streams';

export class OpenDraftCommand extends UseCaseCommand<CommandInput<OpenDraft, 'round'> & { roundId: string }, ApplicationChanged> {}

@CommandHandler(OpenDraftCommand)
export class OpenDraftHandler implements ICommandHandler<OpenDraftCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input: { roundId, ...input }, context }: OpenDraftCommand): Promise<ApplicationChanged> {
    const round = await this.streams.round(roundId);
    return this.streams.execute({ type: 'OpenDraft', ...input, round, now: context.now }, context);
  }
}

export class EditDraftCommand extends UseCaseCommand<CommandInput<EditDraft, 'round'>, ApplicationChanged> {}

@CommandHandler(EditDraftCommand)
export class EditDraftHandler implements ICommandHandler<EditDraftCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context, expectedRevision }: EditDraftCommand): Promise<ApplicationChanged> {
    const round = await this.streams.roundOf(input.applicationId);
    return this.streams.execute({ type: 'EditDraft', ...input, round, now: context.now }, context, expectedRevision);
  }
}

export class SubmitApplicationCommand extends UseCaseCommand<CommandInput<SubmitApplication, 'round'>, ApplicationChanged> {}

@CommandHandler(SubmitApplicationCommand)
export class SubmitApplicationHandler implements ICommandHandler<SubmitApplicationCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  async execute({ input, context, expectedRevision }: SubmitApplicationCommand): Promise<ApplicationChanged> {
    const round = await this.streams.roundOf(input.applicationId);
    return this.streams.execute({ type: 'SubmitApplication', ...input, round, now: context.now }, context, expectedRevision);
  }
}

export class WithdrawApplicationCommand extends UseCaseCommand<CommandInput<WithdrawApplication>, ApplicationChanged> {}

@CommandHandler(WithdrawApplicationCommand)
export class WithdrawApplicationHandler implements ICommandHandler<WithdrawApplicationCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: WithdrawApplicationCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'WithdrawApplication', ...input, now: context.now }, context);
  }
}

export const DRAFTING_HANDLERS = [OpenDraftHandler, EditDraftHandler, SubmitApplicationHandler, WithdrawApplicationHandler];
