import { Conflict } from '@pz/platform/domain';
import { cancelled, given, onCalendar, panelSet, scheduled, setPanel } from './testing/round-fixtures';

describe('round decider: SetRoundPanel', () => {
  it('sets the panel, ids trimmed', () => {
    given(scheduled())
      .when(setPanel([' p1', 'p2 ']))
      .then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1', 'p2'] } }]);
  });

  it('refuses an empty id', () => {
    given(scheduled()).when(setPanel(['p1', ''])).thenInvalid('members must not contain empty ids');
    given(scheduled()).when(setPanel(['p1', '   '])).thenInvalid('members must not contain empty ids');
  });

  it('refuses a repeated id (also after trimming)', () => {
    given(scheduled()).when(setPanel(['p1', 'p2', 'p1'])).thenInvalid('members must not repeat a member');
    given(scheduled()).when(setPanel(['p1', ' p1'])).thenInvalid('members must not repeat a member');
  });

  it('reports both at once', () => {
    given(scheduled()).when(setPanel(['', 'p1', 'p1'])).thenInvalid('empty ids', 'repeat');
  });

  it('the same set again, in any order, is a no-op', () => {
    given(scheduled(), panelSet(['p1', 'p2'])).when(setPanel(['p2', 'p1'])).then([]);
  });

  it('a different set replaces the panel', () => {
    given(scheduled(), panelSet(['p1', 'p2'])).when(setPanel(['p1'])).then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1'] } }]);
    given(scheduled(), panelSet(['p1', 'p2']))
      .when(setPanel(['p1', 'p3']))
      .then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1', 'p3'] } }]);
  });

  it('refuses a cancelled round', () => {
    given(scheduled(), cancelled()).when(setPanel(['p1'])).thenThrows(Conflict, 'The round has been cancelled');
  });

  it('evolves: the latest panel replaces the previous one', () => {
    expect(onCalendar(given(scheduled(), panelSet(['p1', 'p2']), panelSet(['p3']))).state.panel).toEqual(['p3']);
  });
});
