// Test helpers for domain code. Import from specs as `@pz/platform/domain/testing`; never from production code.
export * from './given-decider';
