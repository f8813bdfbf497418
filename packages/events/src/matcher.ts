import { BlockList, isIP } from 'node:net';

/**
 * Tests an event against an EventBridge event pattern, offline, with EventBridge's matching rules.
 *
 * Rules implemented (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * - every key of the pattern must match (AND); the values of a leaf array are alternatives (OR);
 * - an array-valued event field matches when any of its elements matches; fields of objects inside
 *   an array must all match within the same element (array-consistent matching, as `rulesForJSONEvent`);
 * - exact strings, numbers (compared numerically), booleans and `null`;
 * - `prefix`, `suffix` (each also with `{ "equals-ignore-case": ... }`), `equals-ignore-case`, `wildcard`,
 *   `anything-but` (scalar, list, `prefix`, `suffix`, `wildcard`, `equals-ignore-case`), `numeric`
 *   (`=`, `<`, `<=`, `>`, `>=`), `exists`, `cidr` (IPv4 and IPv6) and `$or` at any object level.
 *
 * A field is absent when the event holds no leaf value (scalar or `null`) at its path anywhere; objects
 * and empty arrays are not leaves, so `{ "exists": false }` matches them.
 *
 * At the top level, a CDK-style `detailType` key is read as `detail-type`, so an `aws_events.EventPattern`
 * without tokens can be passed as is (use `renderEventPattern` for patterns built with `aws_events.Match`).
 *
 * @param pattern the event pattern, as JSON
 * @param event the event, as JSON
 * @returns whether EventBridge would deliver the event to a rule with this pattern
 * @throws Error when the pattern is invalid (unknown operator, empty leaf array, malformed operand, ...)
 */
export function matchesEventPattern(pattern: object, event: object): boolean {
  const normalized = normalizeTopLevel(pattern);
  assertValidPattern(normalized);
  return matchObject(normalized, event, [event]);
}

/**
 * Throws a descriptive Error when the pattern is not a valid EventBridge event pattern.
 *
 * @param pattern the event pattern, as JSON
 * @throws Error naming the path of the first invalid element
 */
export function assertValidPattern(pattern: object): void {
  validateObject(normalizeTopLevel(pattern), '$');
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: unknown };

const OR_KEY = '$or';

function normalizeTopLevel(pattern: object): JsonObject {
  if (!isPlainObject(pattern)) {
    throw new Error(`Invalid event pattern: expected a JSON object, received ${describe(pattern)}.`);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) {
      continue;
    }
    // aws_events.EventPattern names this field in camelCase; EventBridge and the event use 'detail-type'.
    const renamed = key === 'detailType' && !('detail-type' in pattern) ? 'detail-type' : key;
    out[renamed] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

function validateObject(pattern: JsonObject, path: string): void {
  const entries = Object.entries(pattern).filter(([, v]) => v !== undefined);
  if (entries.length === 0) {
    throw new Error(`Invalid event pattern at ${path}: an object must contain at least one field.`);
  }
  for (const [key, value] of entries) {
    const childPath = `${path}.${key}`;
    if (key === OR_KEY) {
      validateOr(value, childPath);
    } else if (Array.isArray(value)) {
      validateLeaf(value, childPath);
    } else if (isPlainObject(value)) {
      validateObject(value, childPath);
    } else {
      throw new Error(
        `Invalid event pattern at ${childPath}: expected an array of match values or a nested object, received ${describe(value)}.`,
      );
    }
  }
}

function validateOr(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
    throw new Error(`Invalid event pattern at ${path}: "$or" must be an array of at least two pattern objects.`);
  }
  value.forEach((branch, i) => validateObject(branch as JsonObject, `${path}[${i}]`));
}

function validateLeaf(values: unknown[], path: string): void {
  if (values.length === 0) {
    throw new Error(`Invalid event pattern at ${path}: empty arrays are not allowed; list at least one value.`);
  }
  values.forEach((value, i) => validateCondition(value, `${path}[${i}]`));
}

function validateCondition(value: unknown, path: string): void {
  if (value === null || typeof value === 'boolean') {
    return;
  }
  if (typeof value === 'string') {
    assertNoToken(value, path);
    return;
  }
  if (typeof value === 'number') {
    assertFiniteNumber(value, path);
    return;
  }
  if (!isPlainObject(value)) {
    throw new Error(`Invalid event pattern at ${path}: ${describe(value)} is not a valid match value.`);
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new Error(
      `Invalid event pattern at ${path}: a match object must contain exactly one operator, received ${JSON.stringify(keys)}.`,
    );
  }
  const operator = keys[0];
  const operand = value[operator];
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (isPlainObject(operand)) {
        const inner = Object.keys(operand);
        if (inner.length !== 1 || inner[0] !== 'equals-ignore-case') {
          throw new Error(`Invalid event pattern at ${at}: only { "equals-ignore-case": "..." } may be nested in "${operator}".`);
        }
        assertString(operand['equals-ignore-case'], `${at}.equals-ignore-case`);
      } else {
        assertString(operand, at);
      }
      return;
    case 'equals-ignore-case':
      assertString(operand, at);
      return;
    case 'wildcard':
      assertString(operand, at);
      compileWildcard(operand as string, at);
      return;
    case 'anything-but':
      validateAnythingBut(operand, at);
      return;
    case 'numeric':
      parseNumeric(operand, at);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new Error(`Invalid event pattern at ${at}: "exists" takes true or false, received ${describe(operand)}.`);
      }
      return;
    case 'cidr':
      parseCidr(operand, at);
      return;
    default:
      throw new Error(
        `Invalid event pattern at ${path}: unknown operator "${operator}". Supported: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr.`,
      );
  }
}

function validateAnythingBut(operand: unknown, path: string): void {
  if (typeof operand === 'string') {
    assertNoToken(operand, path);
    return;
  }
  if (typeof operand === 'number') {
    assertFiniteNumber(operand, path);
    return;
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number');
    if (operand.length === 0 || (!allStrings && !allNumbers)) {
      throw new Error(
        `Invalid event pattern at ${path}: an "anything-but" list must be non-empty and contain only strings or only numbers.`,
      );
    }
    operand.forEach((v, i) => (typeof v === 'string' ? assertNoToken(v, `${path}[${i}]`) : assertFiniteNumber(v, `${path}[${i}]`)));
    return;
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) {
      throw new Error(`Invalid event pattern at ${path}: "anything-but" takes exactly one nested operator.`);
    }
    const inner = keys[0];
    const innerOperand = operand[inner];
    switch (inner) {
      case 'prefix':
      case 'suffix':
        assertString(innerOperand, `${path}.${inner}`);
        return;
      case 'equals-ignore-case':
      case 'wildcard':
        for (const [i, v] of toList(innerOperand).entries()) {
          assertString(v, `${path}.${inner}[${i}]`);
          if (inner === 'wildcard') {
            compileWildcard(v as string, `${path}.${inner}[${i}]`);
          }
        }
        if (toList(innerOperand).length === 0) {
          throw new Error(`Invalid event pattern at ${path}.${inner}: the list must not be empty.`);
        }
        return;
      default:
        throw new Error(
          `Invalid event pattern at ${path}: unknown "anything-but" operator "${inner}". Supported: prefix, suffix, equals-ignore-case, wildcard.`,
        );
    }
  }
  throw new Error(`Invalid event pattern at ${path}: "anything-but" cannot take ${describe(operand)}.`);
}

interface NumericRange {
  readonly equals?: number;
  readonly lower?: { readonly value: number; readonly inclusive: boolean };
  readonly upper?: { readonly value: number; readonly inclusive: boolean };
}

function parseNumeric(operand: unknown, path: string): NumericRange {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new Error(
      `Invalid event pattern at ${path}: "numeric" takes [op, number] or [lowerOp, number, upperOp, number], received ${describe(operand)}.`,
    );
  }
  let equals: number | undefined;
  let lower: NumericRange['lower'];
  let upper: NumericRange['upper'];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const value = operand[i + 1];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`Invalid event pattern at ${path}[${i + 1}]: expected a number after "${String(op)}", received ${describe(value)}.`);
    }
    switch (op) {
      case '=':
        if (operand.length !== 2) {
          throw new Error(`Invalid event pattern at ${path}: "=" cannot be combined with another comparison.`);
        }
        equals = value;
        break;
      case '>':
      case '>=':
        if (lower) {
          throw new Error(`Invalid event pattern at ${path}: only one lower bound (">" or ">=") is allowed.`);
        }
        lower = { value, inclusive: op === '>=' };
        break;
      case '<':
      case '<=':
        if (upper) {
          throw new Error(`Invalid event pattern at ${path}: only one upper bound ("<" or "<=") is allowed.`);
        }
        upper = { value, inclusive: op === '<=' };
        break;
      default:
        throw new Error(`Invalid event pattern at ${path}[${i}]: unknown numeric operator ${describe(op)}; use =, <, <=, > or >=.`);
    }
  }
  if (lower && upper && lower.value > upper.value) {
    throw new Error(`Invalid event pattern at ${path}: the lower bound ${lower.value} is above the upper bound ${upper.value}.`);
  }
  return { equals, lower, upper };
}

interface Cidr {
  readonly list: BlockList;
  readonly family: 'ipv4' | 'ipv6';
}

function parseCidr(operand: unknown, path: string): Cidr {
  if (typeof operand !== 'string') {
    throw new Error(`Invalid event pattern at ${path}: "cidr" takes a string such as "10.0.0.0/24", received ${describe(operand)}.`);
  }
  const [address, bits, ...rest] = operand.split('/');
  const version = isIP(address);
  const prefix = Number(bits);
  const maxBits = version === 6 ? 128 : 32;
  if (rest.length > 0 || version === 0 || bits === undefined || !/^\d+$/.test(bits) || prefix > maxBits) {
    throw new Error(`Invalid event pattern at ${path}: "${operand}" is not a CIDR block (expected address/prefix-length).`);
  }
  const family = version === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { list, family };
}

function compileWildcard(value: string, path: string): RegExp {
  let source = '';
  let previousWasStar = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new Error(`Invalid event pattern at ${path}: a backslash may only escape "*" or "\\" in "${value}".`);
      }
      source += escapeRegExp(next);
      i++;
      previousWasStar = false;
    } else if (ch === '*') {
      if (previousWasStar) {
        throw new Error(`Invalid event pattern at ${path}: consecutive wildcard characters are not allowed in "${value}".`);
      }
      source += '[\\s\\S]*';
      previousWasStar = true;
    } else {
      source += escapeRegExp(ch);
      previousWasStar = false;
    }
  }
  return new RegExp(`^${source}$`);
}

// ---------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------

/**
 * @param pattern the pattern object at this level
 * @param value the event value at this level, within the current array element
 * @param everywhere every event value found at this path in the whole event; absence is decided on it
 */
function matchObject(pattern: JsonObject, value: unknown, everywhere: unknown[]): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value).filter(isPlainObject);
    // Absence-only patterns still match when no element is an object, because absence is global.
    return elements.some((element) => matchObject(pattern, element, everywhere)) || matchObject(pattern, undefined, everywhere);
  }
  const node = isPlainObject(value) ? value : undefined;
  for (const [key, expected] of Object.entries(pattern)) {
    if (expected === undefined) {
      continue;
    }
    if (key === OR_KEY) {
      if (!(expected as JsonObject[]).some((branch) => matchObject(branch, node, everywhere))) {
        return false;
      }
      continue;
    }
    const childValue = node?.[key];
    const childEverywhere = flatten(everywhere.flatMap((v) => (isPlainObject(v) && key in v ? [v[key]] : [])));
    const ok = Array.isArray(expected)
      ? matchLeaf(expected, childValue, childEverywhere)
      : matchObject(expected as JsonObject, childValue, childEverywhere);
    if (!ok) {
      return false;
    }
  }
  return true;
}

function matchLeaf(conditions: unknown[], value: unknown, everywhere: unknown[]): boolean {
  const leaves = leafValues(value);
  const absent = !everywhere.some(isLeaf);
  return conditions.some((condition) => {
    if (isPlainObject(condition) && 'exists' in condition) {
      return condition.exists === true ? leaves.length > 0 : absent;
    }
    return leaves.some((leaf) => matchCondition(condition, leaf));
  });
}

function matchCondition(condition: unknown, leaf: Json): boolean {
  if (!isPlainObject(condition)) {
    return exactEquals(condition as Json, leaf);
  }
  const [operator] = Object.keys(condition);
  const operand = condition[operator];
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && matchAffix(operand, leaf, (s, affix) => s.startsWith(affix));
    case 'suffix':
      return typeof leaf === 'string' && matchAffix(operand, leaf, (s, affix) => s.endsWith(affix));
    case 'equals-ignore-case':
      return typeof leaf === 'string' && equalsIgnoreCase(leaf, operand as string);
    case 'wildcard':
      return typeof leaf === 'string' && compileWildcard(operand as string, operator).test(leaf);
    case 'anything-but':
      return !anythingButExcludes(operand, leaf);
    case 'numeric':
      return typeof leaf === 'number' && inRange(parseNumeric(operand, operator), leaf);
    case 'cidr':
      return typeof leaf === 'string' && inCidr(parseCidr(operand, operator), leaf);
    default:
      // validateCondition rejects unknown operators before matching starts.
      throw new Error(`Unknown event pattern operator "${operator}".`);
  }
}

function matchAffix(operand: unknown, leaf: string, test: (s: string, affix: string) => boolean): boolean {
  if (isPlainObject(operand)) {
    const affix = operand['equals-ignore-case'] as string;
    return test(foldCase(leaf), foldCase(affix));
  }
  return test(leaf, operand as string);
}

/** Whether `leaf` is one of the values that `anything-but` excludes. */
function anythingButExcludes(operand: unknown, leaf: Json): boolean {
  if (Array.isArray(operand)) {
    return operand.some((excluded) => exactEquals(excluded as Json, leaf));
  }
  if (!isPlainObject(operand)) {
    return exactEquals(operand as Json, leaf);
  }
  const [inner] = Object.keys(operand);
  const innerOperand = operand[inner];
  if (typeof leaf !== 'string') {
    // String operators can only exclude strings; any other leaf is "anything but" them.
    return false;
  }
  switch (inner) {
    case 'prefix':
      return leaf.startsWith(innerOperand as string);
    case 'suffix':
      return leaf.endsWith(innerOperand as string);
    case 'equals-ignore-case':
      return toList(innerOperand).some((v) => equalsIgnoreCase(leaf, v as string));
    case 'wildcard':
      return toList(innerOperand).some((v) => compileWildcard(v as string, inner).test(leaf));
    default:
      throw new Error(`Unknown "anything-but" operator "${inner}".`);
  }
}

function exactEquals(expected: Json, actual: Json): boolean {
  // Strict equality compares numbers by value (3.018e2 === 301.8) and never coerces "5" to 5.
  return expected === actual;
}

function inRange(range: NumericRange, value: number): boolean {
  if (range.equals !== undefined) {
    return value === range.equals;
  }
  if (range.lower && !(range.lower.inclusive ? value >= range.lower.value : value > range.lower.value)) {
    return false;
  }
  if (range.upper && !(range.upper.inclusive ? value <= range.upper.value : value < range.upper.value)) {
    return false;
  }
  return true;
}

function inCidr(cidr: Cidr, address: string): boolean {
  const version = isIP(address);
  if (version === 0 || (version === 6) !== (cidr.family === 'ipv6')) {
    return false;
  }
  return cidr.list.check(address, cidr.family);
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

function leafValues(value: unknown): Json[] {
  if (value === undefined) {
    return [];
  }
  return flatten([value]).filter(isLeaf) as Json[];
}

function isLeaf(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function flatten(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function foldCase(value: string): string {
  return value.toLowerCase();
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return foldCase(a) === foldCase(b);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function assertString(value: unknown, path: string): void {
  if (typeof value !== 'string') {
    throw new Error(`Invalid event pattern at ${path}: expected a string, received ${describe(value)}.`);
  }
  assertNoToken(value, path);
}

function assertFiniteNumber(value: number, path: string): void {
  if (!Number.isFinite(value)) {
    throw new Error(`Invalid event pattern at ${path}: ${value} is not a finite number.`);
  }
}

function assertNoToken(value: string, path: string): void {
  // aws_events.Match values are CDK tokens; matching their placeholder text would silently never match.
  if (value.includes('${Token[')) {
    throw new Error(
      `Invalid event pattern at ${path}: "${value}" is an unresolved CDK token; pass the pattern through renderEventPattern() first.`,
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  return JSON.stringify(value) ?? String(value);
}
