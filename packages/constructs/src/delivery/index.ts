export * from './approval-gate';
export * from './cross-account-deploy';
export * from './latest-approved-step';
export * from './repository-source';
