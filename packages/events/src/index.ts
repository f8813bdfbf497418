export const PLACEHOLDER = 'events';
