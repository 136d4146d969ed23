export * from './sealed-value';
export * from './derive-secret';
export * from './personal-data-vault';
export * from './people.module';
