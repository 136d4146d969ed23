export * from './notifications.module';
export * from './jobs/job-plan';
export * from './jobs/work-queue';
export * from './jobs/work-runner';
export * from './jobs/job-planner';
export * from './mail';
export * from './jobs/failed-work';
