export * from './transparency.module';
export * from './transparency.config';
export * from './transparency.service';
export * from './domain/three-sixty-giving';
export * from './domain/summary';
