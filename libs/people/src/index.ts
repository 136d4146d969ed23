export * from './sealed-value';
export { deriveSecret } from '@pz/platform/config/derived-keys';
export * from './personal-data-keys';
export * from './personal-data-vault';
export * from './sqlite/sqlite-personal-data-keys';
export * from './people.module';
