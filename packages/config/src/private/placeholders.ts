import { isPlaceholderAccount } from '../primitives';
import type { ConfigIssue } from '../errors';
import { formatPath, tryParseJson, type PathSegment } from './paths';

const TWELVE_DIGITS = /(?<!\d)\d{12}(?!\d)/g;

/**
 * Finds documentation/sample account ids anywhere inside `value` (strings, numbers, lists,
 * objects, and JSON text as Seedfarmer passes it) and reports each with its path.
 */
export function placeholderIssues(value: unknown, path: readonly PathSegment[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(value, path, issues);
  return issues;
}

function walk(value: unknown, path: readonly PathSegment[], issues: ConfigIssue[]): void {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      const decoded = tryParseJson(trimmed);
      if (decoded !== undefined && typeof decoded === 'object') {
        walk(decoded, path, issues);
        return;
      }
    }
    const found = new Set((value.match(TWELVE_DIGITS) ?? []).filter(isPlaceholderAccount));
    for (const id of found) {
      issues.push(issue(path, value, id));
    }
  } else if (typeof value === 'number') {
    const text = Number.isInteger(value) ? String(value) : '';
    if (isPlaceholderAccount(text)) {
      issues.push(issue(path, value, text));
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, [...path, index], issues));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      walk(item, [...path, key], issues);
    }
  }
}

function issue(path: readonly PathSegment[], received: unknown, id: string): ConfigIssue {
  return {
    path: formatPath(path),
    received,
    message:
      `${id} is a placeholder account id from documentation or samples; replace it with the real account id ` +
      '(test fixtures may opt in with allowPlaceholderAccounts)',
  };
}
