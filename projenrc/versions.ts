/**
 * Every tool version the workspace pins, in one place.
 *
 * Why each pin exists is recorded in docs/adr/0001-toolchain-pins.md; the short form is on each line.
 */
export const VERSIONS = {
  /** typescript@latest is 7.x, which has no classic JS API and breaks ts-node (projen, cdk). */
  typescript: '~5.9.3',
  /** nx 24 on this registry lacks 8 platform packages, so `npm ci` fails; 23.2.1 has all 10. */
  nx: '23.2.1',
  /** vitest 5 requires Node >= 22.12; we support Node 20.19+. */
  vitest: '~4.1.12',
  /** aws-sdk-client-mock-vitest 8 peers vitest 5. */
  sdkMockVitest: '^7.1.0',
  sdkMock: '^4.1.0',
  cdkLib: '2.276.0',
  /** aws-cdk@latest is an accidental 3.0.0 build that cannot read current cloud assemblies. */
  cdkCli: '2.1148.1',
  constructs: '^10.8.1',
  /** v3: Validations.of(...).addPlugins / acknowledge; findings never reach Annotations. */
  cdkNag: '^3.0.2',
  /**
   * AWS Control Tower proactive controls as a CDK policy-validation plugin (bundled cfn-guard 3.1 and the
   * Control Tower rules). 0.0.x: every release may change the rule set, so the version is exact.
   */
  cdkValidatorCfnguard: '0.0.62',
  zod: '^4.6.7',
  yaml: '^2.9.1',
  awsSdk: '^3.1138.0',
  esbuild: '^0.28.2',
  tsx: '^4.23.15',
  tsNode: '^10.9.2',
  /** Match the oldest supported runtime; projen would otherwise add the newest @types/node. */
  nodeTypes: '^20.19.0',
} as const;

/** Node version range the workspace supports. Runtimes in AWS (Lambda, CodeBuild) use Node 22. */
export const MIN_NODE = '20.19.0';

/** Scope of every package in the workspace. */
export const SCOPE = '@sagemaker-mlops';
