export * from './domain';
export * from './domain/zones';
export * from './rounds.projection';
export * from './rounds.queries';
export * from './rounds.module';
export * from './zones-catalogue';
export * from './round-commands';
