import { createHash } from 'node:crypto';

/** Default event time of the samples, fixed so that tests and snapshots are deterministic. */
export const DEFAULT_SAMPLE_TIME = '2024-05-14T09:30:00Z';

/**
 * The partition of a region, so that sample ARNs are right in China and GovCloud too.
 *
 * @param region an AWS region code
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  if (region.startsWith('eusc-')) {
    return 'aws-eusc';
  }
  if (region.startsWith('us-iso-')) {
    return 'aws-iso';
  }
  if (region.startsWith('us-isob-')) {
    return 'aws-iso-b';
  }
  return 'aws';
}

/**
 * A hex digest derived from the inputs: stable across runs, different for different inputs.
 *
 * @param parts values the digest depends on
 */
export function digest(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * A UUID-shaped id derived from the inputs, like the `id` EventBridge gives each event.
 *
 * @param parts values the id depends on
 */
export function uuid(...parts: unknown[]): string {
  const h = digest(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Adds seconds to an ISO-8601 UTC time, keeping the `Z` second-precision format of EventBridge.
 *
 * @param time an ISO-8601 time
 * @param seconds seconds to add (may be negative)
 */
export function addSeconds(time: string, seconds: number): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) {
    throw new Error(`time must be an ISO-8601 timestamp such as ${DEFAULT_SAMPLE_TIME}, received "${time}".`);
  }
  return new Date(ms + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
