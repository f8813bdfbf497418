/** One step of a configuration path: an object key or an array index. */
export type PathSegment = string | number | symbol;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Formats a path the way people write it in YAML-minded error messages: `a.b[1].c`.
 *
 * Keys that are not plain identifiers are quoted so that a key holding a dot cannot be
 * mistaken for nesting.
 */
export function formatPath(segments: readonly PathSegment[], prefix?: string): string {
  let out = prefix ?? '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      const part = IDENTIFIER.test(key) ? key : JSON.stringify(key);
      out += out === '' ? part : `.${part}`;
    }
  }
  return out === '' ? '(top level)' : out;
}

/**
 * Looks up the value at `segments` inside `input`.
 *
 * Seedfarmer hands lists and objects over as JSON text, so when the walk meets a string while
 * segments remain, the string is decoded as JSON and the walk continues inside it.
 */
export function valueAt(input: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = input;
  for (const segment of segments) {
    if (typeof current === 'string') {
      current = tryParseJson(current);
    }
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment as PropertyKey];
  }
  return current;
}

/** Decodes JSON text, or returns `undefined` when the text is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Describes a received value for a message: JSON, or `nothing` when it is absent. */
export function describeReceived(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/** A short name for the JSON type of a value, for "expected X, got Y" messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return typeof value;
  }
}
