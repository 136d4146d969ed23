export * from './audit.module';
export * from './audit.service';
export * from './verify/verify-chain';
export * from './verify/sqlite-links';
