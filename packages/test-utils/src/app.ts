import { App } from 'aws-cdk-lib';

/**
 * An `App` whose synthesized templates depend only on the code under test: no construct stack traces, no
 * tree metadata and no version reporting, so snapshots and template assertions are deterministic.
 *
 * @param context context values, e.g. feature flags or the values a construct reads with `tryGetContext`;
 * none when omitted
 */
export function createTestApp(context: Record<string, unknown> = {}): App {
  return new App({
    stackTraces: false,
    treeMetadata: false,
    analyticsReporting: false,
    context,
  });
}
