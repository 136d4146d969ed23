export * from './template-specs';
export * from './uk-dates';
export * from './mail-templates';
export * from './message-id';
export * from './mailer';
export * from './sent-mail';
export * from './notifications-mail.module';
