/**
 * What replaces an asset hash (a 64-hex-digit SHA-256), e.g. in `<hash>.zip` object keys and image tags.
 */
export const ASSET_HASH_MARKER = '[ASSET HASH]';
/**
 * What replaces the name of the bootstrap assets bucket (`cdk-<qualifier>-assets-<account>-<region>`).
 */
export const ASSETS_BUCKET_MARKER = '[ASSETS BUCKET]';
/**
 * What replaces the name of the bootstrap container assets repository
 * (`cdk-<qualifier>-container-assets-<account>-<region>`).
 */
export const ASSETS_REPOSITORY_MARKER = '[ASSETS REPOSITORY]';

const HASH = /[0-9a-f]{64}/g;
// The account and region part may be literals or `${AWS::AccountId}`-style Fn::Sub placeholders.
const BOOTSTRAP_ASSETS = /cdk-[a-z0-9]{1,10}-(container-)?assets-(?:\$\{[\w:]+\}|[\w-])*/g;

/**
 * Deep copy of `value` with every string, object keys included, passed through `normalizeString`.
 */
export function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    return normalizeString(value);
  }
  if (Array.isArray(value)) {
    return value.map(normalize);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalizeString(k), normalize(v)]));
  }
  return value;
}

/**
 * `value` with asset hashes and bootstrap asset bucket/repository names replaced by the markers.
 */
export function normalizeString(value: string): string {
  return value
    .replace(HASH, ASSET_HASH_MARKER)
    .replace(BOOTSTRAP_ASSETS, (_match, container: string | undefined) =>
      container ? ASSETS_REPOSITORY_MARKER : ASSETS_BUCKET_MARKER,
    );
}
