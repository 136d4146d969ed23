import { Conflict } from '@pz/platform/domain';
import {
  aDraft,
  AFTER_CLOSE,
  APP,
  awarded,
  BEFORE_OPEN,
  details,
  editDraft,
  edited,
  given,
  inStatus,
  NEW_CONTACT,
  opened,
  round,
  submitted,
  withdrawn,
} from '../testing/application-fixtures';

describe('application decider: EditDraft', () => {
  it('refuses to edit a draft once its round has closed or been cancelled', () => {
    given(...aDraft()).when(editDraft({ title: 'Later' }, { now: AFTER_CLOSE })).thenThrows(Conflict, /round is closed/);
    given(...aDraft())
      .when(editDraft({ title: 'Later' }, { round: round({ cancelledAt: BEFORE_OPEN }) }))
      .thenThrows(Conflict, /round is cancelled/);
  });

  it('records only the fields that actually change', () => {
    given(...aDraft())
      .when(editDraft({ title: 'Bell Foundry Community Garden', requestedPence: 700_000, summary: 'A bigger garden.' }))
      .then([{ type: 'ApplicationDraftEdited', data: { applicationId: APP, changes: { requestedPence: 700_000, summary: 'A bigger garden.' } } }]);
  });

  it('yields no events when nothing changes (including deep-equal partners and answers)', () => {
    given(opened({ partners: [{ name: 'Trust', identifier: 'GB-CHC-1' }], answers: { q1: 'a' } }))
      .when(editDraft({ title: details().title, partners: [{ name: 'Trust', identifier: 'GB-CHC-1' }], answers: { q1: 'a' } }))
      .then([]);
  });

  it('yields no events for an empty edit', () => {
    given(...aDraft()).when(editDraft({})).then([]);
  });

  it('records a new contact even when no detail changes', () => {
    given(...aDraft())
      .when(editDraft({ title: details().title }, { contact: NEW_CONTACT }))
      .then([{ type: 'ApplicationDraftEdited', data: { applicationId: APP, changes: {}, contact: NEW_CONTACT } }]);
  });

  it.each([
    ['submitted', [opened(), submitted()], /Only a draft can be edited; this application is submitted/],
    ['withdrawn', [opened(), withdrawn()], /this application is withdrawn/],
    ['awarded', [opened(), submitted(), awarded()], /this application is awarded/],
  ] as const)('refuses to edit a %s application', (_status, events, message) => {
    given(...events).when(editDraft({ title: 'Too late' })).thenThrows(Conflict, message);
  });

  it('checks the edited draft as a whole: a zone the round does not cover is refused', () => {
    given(...aDraft())
      .when(editDraft({ zone: 'thringstone-whitwick' }))
      .thenInvalid('zone: this round does not cover "thringstone-whitwick"');
  });

  it('checks the edited draft as a whole: a theme the round does not fund is refused', () => {
    given(...aDraft()).when(editDraft({ theme: 'Community Safety' })).thenInvalid('theme:');
  });

  it('checks the edited draft as a whole: moving only projectEnd before the stored projectStart is refused', () => {
    given(...aDraft()).when(editDraft({ projectEnd: '2024-08-01' })).thenInvalid('projectEnd must be after projectStart');
  });

  it('evolves by merging the changes over the stored details', () => {
    const state = inStatus(given(opened(), edited({ title: 'New title', requestedPence: 123 })).state, 'draft');
    expect(state.details).toEqual(details({ title: 'New title', requestedPence: 123 }));
    expect(state.status).toBe('draft');
  });

  it('a change made earlier is compared against the latest details', () => {
    given(opened(), edited({ title: 'New title' }))
      .when(editDraft({ title: 'New title' }))
      .then([]);
  });
});
