/**
 * Encodes a value the way Python's `json.dumps(value)` does with its defaults, which is how
 * Seedfarmer turns non-string parameters into environment variables: `", "` between items,
 * `": "` between a key and its value, non-ASCII characters escaped as `\uXXXX`, floats in
 * Python's `repr` notation and `NaN`/`Infinity` spelled out.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return pythonNumber(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return pythonString(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${value.map((item) => pythonJsonDumps(item)).join(', ')}]`;
      }
      if (value instanceof Date) {
        // YAML timestamps become Dates in JS; Seedfarmer's loader keeps them as text.
        return pythonString(value.toISOString());
      }
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`)
        .join(', ')}}`;
    default:
      return 'null';
  }
}

function pythonString(text: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters like Python does.
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n)) {
    // A whole number read from YAML is a Python int, printed with all its digits.
    return BigInt(n).toString();
  }
  return pythonFloatRepr(n);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function pythonFloatRepr(n: number): string {
  const [mantissa, exponentText] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length > exponent + 1) {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = `${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  }
  return negative ? `-${text}` : text;
}
