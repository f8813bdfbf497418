export * from './bootstrap-roles';
export * from './cross-account-kms';
export * from './model-package-group-policy';
export * from './permissions-boundary';
