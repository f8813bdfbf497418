export * from './bundled-tool';
export * from './encryption-key';
export * from './model-registry-access';
export * from './endpoint';
export * from './nag';
export * from './secure-bucket';
export * from './target-regions';
export * from './delivery';
