export const PLACEHOLDER = 'registry';
