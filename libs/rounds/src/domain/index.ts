// The round stream's domain: plain TypeScript, no Nest, no I/O, no clock.
export * from './calendar';
export * from './events';
export * from './state';
export * from './scheduling';
export * from './panel';
export * from './budget';
export * from './round';
export * from './zones';
