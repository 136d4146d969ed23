import { applicationDecider } from '../application';
import { APP, given } from '../testing/application-fixtures';
import { aClosedGrant, anAward, CASE_STUDY, checkInFiled, fileCaseStudy } from '../testing/monitoring-fixtures';

describe('application decider: FileCaseStudy', () => {
  it('files the case study against its item, trimmed quote; no rating event', () => {
    given(...anAward(), checkInFiled())
      .when(fileCaseStudy())
      .then([
        {
          type: 'CaseStudyFiled',
          data: {
            applicationId: APP,
            itemKey: 'case-study',
            caseStudy: { ...CASE_STUDY, quote: 'It brought the street together' },
            filedAt: '2025-09-01T12:00:00.000Z',
          },
        },
      ]);
  });

  it('a blank quote is null', () => {
    const [event] = applicationDecider.decide(fileCaseStudy({ caseStudy: { ...CASE_STUDY, quote: '  ' } }), given(...anAward()).state);
    expect(event.data).toMatchObject({ caseStudy: { quote: null } });
  });

  it('reports every missing part of the template at once', () => {
    given(...anAward())
      .when(
        fileCaseStudy({
          caseStudy: { ...CASE_STUDY, title: ' ', summary: '', outcomes: ' ', lessons: '', sustainability: '  ', beneficiaries: -1 },
        }),
      )
      .thenInvalid(
        'title must not be empty',
        'summary must not be empty',
        'outcomes must not be empty',
        'lessons must not be empty',
        'sustainability must not be empty',
        'beneficiaries must be a whole number, 0 or more',
      );
  });

  it('closes the grant', () => {
    expect(given(...aClosedGrant()).state).toMatchObject({ status: 'closed', filed: ['check-in', 'case-study'] });
  });
});
