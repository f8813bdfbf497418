export const PLACEHOLDER = 'config';
