import { Decider, unreachable } from '@pz/platform/domain';
import { DeclareConflict, declareConflict } from './assessment/declare-conflict';
import { ScoreApplication, scoreApplication } from './assessment/score-application';
import { AcceptOffer, acceptOffer } from './decision/accept-offer';
import { AwardGrant, awardGrant } from './decision/award-grant';
import { DeclineApplication, declineApplication } from './decision/decline-application';
import { EditDraft, editDraft } from './drafting/edit-draft';
import { OpenDraft, openDraft } from './drafting/open-draft';
import { SubmitApplication, submitApplication } from './drafting/submit-application';
import { WithdrawApplication, withdrawApplication } from './drafting/withdraw-application';
import { APPLICATION_EVENT_TYPES, type ApplicationEvent } from './events';
import { ChangeProjectDates, changeProjectDates } from './monitoring/change-project-dates';
import { EvaluateRag, evaluateRag } from './monitoring/evaluate-rag';
import { FileCaseStudy, fileCaseStudy } from './monitoring/file-case-study';
import { FileCheckIn, fileCheckIn } from './monitoring/file-check-in';
import { FileMonitoringReturn, fileMonitoringReturn } from './monitoring/file-monitoring-return';
import { RateGrant, rateGrant } from './monitoring/rate-grant';
import { ApproveCaseStudy, approveCaseStudy, WithdrawCaseStudyConsent, withdrawCaseStudyConsent } from './monitoring/publish-case-study';
import { ApplicationState, evolve, existing, initialState, ownedBy } from './state';

/**
 * One application, one stream, from its draft to its closed grant. Each command is a use case
 * in a file of its own (drafting/, assessment/, decision/, monitoring/); this file only routes.
 */
export type ApplicationCommand =
  | OpenDraft
  | EditDraft
  | SubmitApplication
  | WithdrawApplication
  | DeclareConflict
  | ScoreApplication
  | AwardGrant
  | DeclineApplication
  | AcceptOffer
  | FileCheckIn
  | FileMonitoringReturn
  | FileCaseStudy
  | RateGrant
  | ChangeProjectDates
  | EvaluateRag
  | ApproveCaseStudy
  | WithdrawCaseStudyConsent;

function decide(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
  switch (command.type) {
    case 'OpenDraft':
      return openDraft(command, state);
    // An applicant acts on their own organisation's applications only.
    case 'EditDraft':
      return editDraft(command, ownedBy(state, command));
    case 'SubmitApplication':
      return submitApplication(command, ownedBy(state, command));
    case 'WithdrawApplication':
      return withdrawApplication(command, ownedBy(state, command));
    case 'AcceptOffer':
      return acceptOffer(command, ownedBy(state, command));
    case 'FileCheckIn':
      return fileCheckIn(command, ownedBy(state, command));
    case 'FileMonitoringReturn':
      return fileMonitoringReturn(command, ownedBy(state, command));
    case 'FileCaseStudy':
      return fileCaseStudy(command, ownedBy(state, command));
    case 'WithdrawCaseStudyConsent':
      return withdrawCaseStudyConsent(command, ownedBy(state, command));
    // Panel members, staff and the worker.
    case 'DeclareConflict':
      return declareConflict(command, existing(state, command.applicationId));
    case 'ScoreApplication':
      return scoreApplication(command, existing(state, command.applicationId));
    case 'AwardGrant':
      return awardGrant(command, existing(state, command.applicationId));
    case 'DeclineApplication':
      return declineApplication(command, existing(state, command.applicationId));
    case 'RateGrant':
      return rateGrant(command, existing(state, command.applicationId));
    case 'ChangeProjectDates':
      return changeProjectDates(command, existing(state, command.applicationId));
    case 'EvaluateRag':
      return evaluateRag(command, existing(state, command.applicationId));
    case 'ApproveCaseStudy':
      return approveCaseStudy(command, existing(state, command.applicationId));
    default:
      return unreachable(command);
  }
}

export const applicationDecider: Decider<ApplicationCommand, ApplicationState, ApplicationEvent> = {
  initialState,
  decide,
  evolve,
  eventTypes: APPLICATION_EVENT_TYPES,
};

export const applicationStreamId = (id: string) => `application-${id}`;
