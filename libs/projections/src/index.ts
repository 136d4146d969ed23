export * from './document-store';
export * from './projection';
export * from './projection-runner';
export * from './replay';
export * from './sqlite/sqlite-read-model-store';
