export * from './events';
export * from './account';
export * from './organisation';
