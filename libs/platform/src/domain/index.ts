// Nest-free building blocks for domain code: deciders, domain errors, command context.
export * from './decider';
export * from './errors';
export * from './command-context';
export * from './limits';
export * from './uk-time';
