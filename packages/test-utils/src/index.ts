export * from './fixture-accounts';
export * from './app';
export * from './nag';
export * from './snapshot';
export * from './config';
export * from './moto';
export * from './feature-flags';
export * from './cfn-lint';
