import { Forbidden, NotFound } from '@pz/platform/domain';
import { type ApplicationCommand } from './application';
import {
  aDraft,
  APP,
  aSubmitted,
  award,
  declareConflict,
  decline,
  editDraft,
  given,
  opened,
  ORG,
  OTHER_ORG,
  scoreCmd,
  submit,
  withdraw,
  withdrawn,
} from './testing/application-fixtures';

// The router: an unknown application is NotFound, and an applicant sees only their own.
describe('application decider: unknown applications and other organisations', () => {
  const commands: [string, ApplicationCommand][] = [
    ['EditDraft', editDraft({ title: 'x' })],
    ['SubmitApplication', submit()],
    ['WithdrawApplication', withdraw()],
    ['DeclareConflict', declareConflict()],
    ['ScoreApplication', scoreCmd()],
    ['AwardGrant', award()],
    ['DeclineApplication', decline()],
  ];
  it.each(commands)('%s on an application that does not exist is NotFound', (_name, command) => {
    given().when(command).thenThrows(NotFound, `Application ${APP} not found`);
  });

  const applicantCommands: [string, ApplicationCommand][] = [
    ['EditDraft', editDraft({ title: 'Mine now' }, { org: OTHER_ORG })],
    ['SubmitApplication', submit({ org: OTHER_ORG })],
    ['WithdrawApplication', withdraw({ org: OTHER_ORG })],
  ];
  it.each(applicantCommands)("%s on another organisation's draft is NotFound, never Forbidden", (_name, command) => {
    const error = given(...aDraft()).when(command).thenThrows(NotFound, `Application ${APP} not found`);
    expect(error).not.toBeInstanceOf(Forbidden);
    expect(error.message).not.toContain(ORG);
  });

  it("withdrawing another organisation's submitted application is NotFound too", () => {
    given(...aSubmitted())
      .when(withdraw({ org: OTHER_ORG }))
      .thenThrows(NotFound, 'not found');
  });

  it("another organisation is NotFound even where its own would be a no-op (a second withdrawal)", () => {
    given(opened(), withdrawn())
      .when(withdraw({ org: OTHER_ORG }))
      .thenThrows(NotFound, 'not found');
  });
});
