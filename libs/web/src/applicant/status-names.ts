import type { ApplicationStatus } from '@pz/applications/domain';

/** web.md: the status names applicants read. */
export const APPLICANT_STATUS: Record<ApplicationStatus, { text: string; colour: string }> = {
  draft: { text: 'Draft', colour: 'grey' },
  submitted: { text: 'Sent', colour: 'blue' },
  withdrawn: { text: 'Withdrawn', colour: 'grey' },
  awarded: { text: 'Funded', colour: 'green' },
  declined: { text: 'Not funded', colour: 'orange' },
  closed: { text: 'Closed', colour: 'grey' },
};
