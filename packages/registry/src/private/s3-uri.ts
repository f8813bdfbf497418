/** A parsed `s3://bucket/key` URI. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** Parses `s3://bucket/key`; the key may be empty or end with `/` (a prefix). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(uri);
  if (!match) {
    throw new Error(`Not an S3 URI: "${uri}" (expected s3://<bucket>/<key>)`);
  }
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Formats an S3 location as `s3://bucket/key`. */
export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** The `CopySource` header value: `bucket/key`, URL-encoded except for the slashes. */
export function copySourceOf(location: S3Location): string {
  return `${location.bucket}/${encodeURIComponent(location.key).replace(/%2F/g, '/')}`;
}
