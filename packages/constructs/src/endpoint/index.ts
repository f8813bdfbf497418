export * from './endpoint-stack';
export * from './endpoint-template';
export * from './names';
