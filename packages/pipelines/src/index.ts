export * from './core/expressions';
export * from './core/parameters';
export * from './core/conditions';
export * from './core/steps';
export * from './core/pipeline';
export * from './images/image-uris';
export { FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS } from './images/registry-accounts';
export * from './core/placeholders';
