export * from './web.module';
export * from './shell/assets';
export * from './shell/uk-format';
