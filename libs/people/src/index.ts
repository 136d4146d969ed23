export * from './sealed-value';
export * from './derive-secret';
export * from './personal-data-keys';
export * from './personal-data-vault';
export * from './sqlite/sqlite-personal-data-keys';
export * from './people.module';
