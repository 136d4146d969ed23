export * from './monitoring.module';
export * from './rag-board';
