export * from './domain';
export * from './applications.projection';
export * from './applications.queries';
export * from './applications.module';
export * from './ranking';
export * from './commands';
export * from './reference';
