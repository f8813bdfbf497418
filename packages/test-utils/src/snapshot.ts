import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { normalize, normalizeString } from './private/asset-hashes';

export { ASSET_HASH_MARKER, ASSETS_BUCKET_MARKER, ASSETS_REPOSITORY_MARKER } from './private/asset-hashes';

/**
 * A snapshot serializer, typed structurally as vitest's and pretty-format's plugin interface, so that this
 * package needs no test framework at run time.
 */
export interface SnapshotSerializer {
  /**
   * Whether this serializer handles `value`.
   */
  test(value: unknown): boolean;
  /**
   * Prints `value`, delegating the printing of the rewritten value to `printer`.
   */
  serialize<C, R>(
    value: unknown,
    config: C,
    indentation: string,
    depth: number,
    refs: R,
    printer: (value: unknown, config: C, indentation: string, depth: number, refs: R) => string,
  ): string;
}

/**
 * Rewrites asset hashes and bootstrap asset bucket/repository names in every string of `value`, including
 * object keys, so snapshots do not change when asset contents, the account or the region do.
 */
export function normalizeAssetHashes<T>(value: T): T {
  return normalize(value) as T;
}

/**
 * The template of `stack` with asset hashes and bootstrap asset locations replaced by stable markers, for
 * `expect(templateSnapshot(stack)).toMatchSnapshot()`. A snapshot is a change detector: pair it with
 * assertions on what matters.
 */
export function templateSnapshot(stack: Stack): Record<string, unknown> {
  return normalizeAssetHashes(Template.fromStack(stack).toJSON());
}

/**
 * The same rewriting as `templateSnapshot`, as a serializer for any snapshot:
 * `expect.addSnapshotSerializer(assetHashSerializer)`.
 */
export const assetHashSerializer: SnapshotSerializer = {
  test: (value) => typeof value === 'string' && normalizeString(value) !== value,
  serialize: (value, config, indentation, depth, refs, printer) =>
    printer(normalizeString(value as string), config, indentation, depth, refs),
};
