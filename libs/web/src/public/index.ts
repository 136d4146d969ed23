import { AlertsPages } from './alerts.pages';
import { AwardsPages } from './awards.pages';
import { EligibilityPages } from './eligibility.pages';
import { FundingPages } from './funding.pages';
import { InformationPages } from './information.pages';

export const PUBLIC_PAGES = [InformationPages, FundingPages, EligibilityPages, AlertsPages, AwardsPages];
