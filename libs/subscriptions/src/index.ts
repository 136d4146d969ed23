export * from './domain/subscription';
export * from './subscriptions.projection';
export * from './subscriptions.queries';
export * from './unsubscribe-links';
export * from './subscriptions.module';
