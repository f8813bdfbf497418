export { assertValidPattern, matchesEventPattern } from './matcher';
