// The application use cases as typed commands on the CommandBus, one handler each.
export * from './application-streams';
export * from './drafting';
export * from './assessment';
export * from './decision';
export * from './monitoring';
