export const PLACEHOLDER = 'constructs';
