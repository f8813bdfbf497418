export * from './core/expressions';
export * from './core/parameters';
export * from './core/conditions';
export * from './core/steps';
export * from './core/pipeline';
