import { App } from 'aws-cdk-lib';
import { FEATURE_FLAGS } from './feature-flags';

/**
 * An `App` whose synthesized templates depend only on the code under test: no construct stack traces, no
 * tree metadata and no version reporting, so snapshots and template assertions are deterministic.
 *
 * The apps' feature flags ({@link FEATURE_FLAGS}) are set, as in their cdk.json.
 *
 * @param context context values, e.g. feature flags or the values a construct reads with `tryGetContext`;
 * they override the apps' feature flags
 */
export function createTestApp(context: Record<string, unknown> = {}): App {
  return new App({
    stackTraces: false,
    treeMetadata: false,
    analyticsReporting: false,
    context: { ...FEATURE_FLAGS, ...context },
  });
}
