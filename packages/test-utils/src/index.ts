export const PLACEHOLDER = 'test-utils';
