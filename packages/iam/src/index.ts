export const PLACEHOLDER = 'iam';
