import type { z } from 'zod';
import type { PathSegment } from './paths';

interface AnyDef {
  readonly type: string;
  readonly [key: string]: unknown;
}

function defOf(schema: unknown): AnyDef | undefined {
  return (schema as { _zod?: { def?: AnyDef } } | undefined)?._zod?.def;
}

/**
 * Unwraps the wrappers that do not change which keys an object accepts (optional, default,
 * pipes such as `jsonParam`, ...), so that the object underneath can be inspected.
 */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(current);
    if (!def) return current;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
        current = def.innerType;
        break;
      case 'pipe':
        // `x.transform(f)` keeps its keys on the input side; `decode.pipe(x)` (jsonParam) on the output side.
        current = defOf(def.out)?.type === 'transform' ? def.in : def.out;
        break;
      case 'lazy':
        current = (def.getter as () => unknown)();
        break;
      default:
        return current;
    }
  }
  return current;
}

/**
 * The keys an object schema at `path` inside `schema` knows about, or `undefined` when the
 * schema at that path is not a plain object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] | undefined {
  let current: unknown = unwrap(schema);
  for (const segment of path) {
    const def = defOf(current);
    if (!def) return undefined;
    if (def.type === 'object' && typeof segment === 'string') {
      current = unwrap((def.shape as Record<string, unknown>)[segment]);
    } else if (def.type === 'array' && typeof segment === 'number') {
      current = unwrap(def.element);
    } else if (def.type === 'record' && typeof segment === 'string') {
      current = unwrap(def.valueType);
    } else {
      return undefined;
    }
  }
  const def = defOf(current);
  if (def?.type !== 'object') return undefined;
  return Object.keys(def.shape as Record<string, unknown>);
}
