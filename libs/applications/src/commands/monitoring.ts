import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandInput, UseCaseCommand } from '@pz/platform';
import type { ApproveCaseStudy, ChangeProjectDates, EvaluateRag, FileCaseStudy, FileCheckIn, FileMonitoringReturn, RateGrant, WithdrawCaseStudyConsent } from '../domain';
import { ApplicationChanged, ApplicationStreams } from './application-streams';

export class FileCheckInCommand extends UseCaseCommand<CommandInput<FileCheckIn, 'ragPolicy'>, ApplicationChanged> {}

@CommandHandler(FileCheckInCommand)
export class FileCheckInHandler implements ICommandHandler<FileCheckInCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: FileCheckInCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'FileCheckIn', ...input, ragPolicy: this.streams.ragPolicy, now: context.now }, context);
  }
}

export class FileMonitoringReturnCommand extends UseCaseCommand<CommandInput<FileMonitoringReturn, 'ragPolicy'>, ApplicationChanged> {}

@CommandHandler(FileMonitoringReturnCommand)
export class FileMonitoringReturnHandler implements ICommandHandler<FileMonitoringReturnCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: FileMonitoringReturnCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'FileMonitoringReturn', ...input, ragPolicy: this.streams.ragPolicy, now: context.now }, context);
  }
}

export class FileCaseStudyCommand extends UseCaseCommand<CommandInput<FileCaseStudy>, ApplicationChanged> {}

@CommandHandler(FileCaseStudyCommand)
export class FileCaseStudyHandler implements ICommandHandler<FileCaseStudyCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: FileCaseStudyCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'FileCaseStudy', ...input, now: context.now }, context);
  }
}

export class RateGrantCommand extends UseCaseCommand<CommandInput<RateGrant>, ApplicationChanged> {}

@CommandHandler(RateGrantCommand)
export class RateGrantHandler implements ICommandHandler<RateGrantCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: RateGrantCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'RateGrant', ...input, now: context.now }, context);
  }
}

export class ChangeProjectDatesCommand extends UseCaseCommand<
  CommandInput<ChangeProjectDates, 'monitoringPolicy' | 'ragPolicy'>,
  ApplicationChanged
> {}

@CommandHandler(ChangeProjectDatesCommand)
export class ChangeProjectDatesHandler implements ICommandHandler<ChangeProjectDatesCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: ChangeProjectDatesCommand): Promise<ApplicationChanged> {
    const { monitoringPolicy, ragPolicy } = this.streams;
    return this.streams.execute({ type: 'ChangeProjectDates', ...input, monitoringPolicy, ragPolicy, now: context.now }, context);
  }
}

/** From the worker, when an item's lateness crosses Amber or Red. */
export class EvaluateRagCommand extends UseCaseCommand<CommandInput<EvaluateRag, 'ragPolicy'>, ApplicationChanged> {}

@CommandHandler(EvaluateRagCommand)
export class EvaluateRagHandler implements ICommandHandler<EvaluateRagCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: EvaluateRagCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'EvaluateRag', ...input, ragPolicy: this.streams.ragPolicy, now: context.now }, context);
  }
}

/** Staff approve a consented case study for publication. */
export class ApproveCaseStudyCommand extends UseCaseCommand<CommandInput<ApproveCaseStudy>, ApplicationChanged> {}

@CommandHandler(ApproveCaseStudyCommand)
export class ApproveCaseStudyHandler implements ICommandHandler<ApproveCaseStudyCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: ApproveCaseStudyCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'ApproveCaseStudy', ...input, now: context.now }, context);
  }
}

/** The grantee withdraws consent to publish its case study. */
export class WithdrawCaseStudyConsentCommand extends UseCaseCommand<CommandInput<WithdrawCaseStudyConsent>, ApplicationChanged> {}

@CommandHandler(WithdrawCaseStudyConsentCommand)
export class WithdrawCaseStudyConsentHandler implements ICommandHandler<WithdrawCaseStudyConsentCommand, ApplicationChanged> {
  constructor(private readonly streams: ApplicationStreams) {}

  execute({ input, context }: WithdrawCaseStudyConsentCommand): Promise<ApplicationChanged> {
    return this.streams.execute({ type: 'WithdrawCaseStudyConsent', ...input, now: context.now }, context);
  }
}

export const MONITORING_HANDLERS = [
  FileCheckInHandler,
  FileMonitoringReturnHandler,
  FileCaseStudyHandler,
  RateGrantHandler,
  EvaluateRagHandler,
  ChangeProjectDatesHandler,
  ApproveCaseStudyHandler,
  WithdrawCaseStudyConsentHandler,
];
