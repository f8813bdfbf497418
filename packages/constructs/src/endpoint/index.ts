export * from './endpoint-stack';
export * from './names';
