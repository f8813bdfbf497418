import { describe, expect, it } from 'vitest';
import { pythonJsonDumps } from '../../src/private/python-json';

describe('pythonJsonDumps', () => {
  it.each([
    [[1, 2], '[1, 2]'],
    [{ a: 1, b: [true, null] }, '{"a": 1, "b": [true, null]}'],
    ['text', '"text"'],
    [false, 'false'],
    [[], '[]'],
    [{}, '{}'],
    [1.5, '1.5'],
    [0.00001, '1e-05'],
    [1.5e17, '150000000000000000'],
    [2.5e-7, '2.5e-07'],
    [123.456, '123.456'],
    ['café "x"\n', '"caf\\u00e9 \\"x\\"\\n"'],
    [NaN, 'NaN'],
  ])('encodes %j as Python json.dumps does', (value, expected) => {
    expect(pythonJsonDumps(value)).toBe(expected);
  });
});
