export * from './domain/subscription';
export * from './subscription-commands';
export * from './subscriptions.projection';
export * from './subscriptions.queries';
export * from './subscription-links';
export * from './subscriptions.module';
