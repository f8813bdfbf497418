import { catchConfigError, DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deploymentManifestSchema, parseModuleManifests, resolveModuleInvocation, type ModuleManifest } from '../../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const STAGING = DUMMY_ACCOUNTS.staging;
const PROD = DUMMY_ACCOUNTS.prod;

const deployment = deploymentManifestSchema.parse(
  parse(`
name: mlops-\${STAGE}
toolchainRegion: eu-west-1
groups:
  - name: registry
    path: manifests/registry.yaml
  - name: promote
    path: manifests/promote.yaml
targetAccountMappings:
  - alias: tooling
    accountId: "${TOOLING}"
    default: true
    parametersGlobal:
      bucketPrefix: mlops-global
      retention: "30"
    regionMappings:
      - region: eu-west-1
        default: true
        parametersRegional:
          bucketPrefix: mlops-regional
          subnets: [subnet-1, subnet-2]
  - alias: staging
    accountId:
      valueFrom:
        envVariable: STAGING_ACCOUNT_ID
    regionMappings:
      - region: eu-central-1
      - region: cn-north-1
        default: true
`),
);

function module(yaml: string): ModuleManifest {
  return parseModuleManifests(yaml)[0];
}

const ENV = { STAGE: 'dev', STAGING_ACCOUNT_ID: STAGING, BUS_NAME: 'mlops-bus' };


describe('resolveModuleInvocation', () => {
  it('uses the default account and region and encodes parameters as Seedfarmer does', () => {
    // GIVEN
    const manifest = module(`
name: pipeline
path: apps/promote
parameters:
  - name: target-bucket-name
    value: artifacts
  - name: stagingAccounts
    value: ["${STAGING}", "${PROD}"]
  - name: RetainOnDelete
    value: true
  - name: limits
    value: {max: 3, ratio: 0.5}
  - name: bucket-prefix
    valueFrom:
      parameterValue: bucketPrefix
  - name: retention
    valueFrom:
      parameterValue: retention
  - name: subnets
    valueFrom:
      parameterValue: subnets
`);

    // WHEN
    const invocation = resolveModuleInvocation({ project: 'mlops', deployment, group: 'promote', module: manifest, env: ENV });

    // THEN
    expect(invocation.account).toBe(TOOLING);
    expect(invocation.region).toBe('eu-west-1');
    expect(invocation.path).toBe('apps/promote');
    expect(invocation.references).toEqual({});
    expect(invocation.env).toEqual({
      SEEDFARMER_PROJECT_NAME: 'mlops',
      SEEDFARMER_DEPLOYMENT_NAME: 'mlops-dev',
      SEEDFARMER_MODULE_NAME: 'promote-pipeline',
      SEEDFARMER_PARAMETER_TARGET_BUCKET_NAME: 'artifacts',
      SEEDFARMER_PARAMETER_STAGING_ACCOUNTS: `["${STAGING}", "${PROD}"]`,
      SEEDFARMER_PARAMETER_RETAIN_ON_DELETE: 'true',
      SEEDFARMER_PARAMETER_LIMITS: '{"max": 3, "ratio": 0.5}',
      SEEDFARMER_PARAMETER_BUCKET_PREFIX: 'mlops-regional',
      SEEDFARMER_PARAMETER_RETENTION: '30',
      SEEDFARMER_PARAMETER_SUBNETS: '["subnet-1", "subnet-2"]',
      AWS_PARTITION: 'aws',
      CDK_DEFAULT_ACCOUNT: TOOLING,
      CDK_DEFAULT_REGION: 'eu-west-1',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });

  it('uses the account of an alias from an environment variable, and the partition of its region', () => {
    const manifest = module(`
name: event-bus
path: apps/promote
targetAccount: staging
parameters:
  - name: event-bus-name
    valueFrom:
      envVariable: BUS_NAME
  - name: path-suffix
    value: \${STAGE}-bus
`);
    const invocation = resolveModuleInvocation({ project: 'mlops', deployment, group: 'promote', module: manifest, env: ENV });
    expect(invocation.account).toBe(STAGING);
    expect(invocation.region).toBe('cn-north-1');
    expect(invocation.env).toMatchObject({
      SEEDFARMER_MODULE_NAME: 'promote-event-bus',
      SEEDFARMER_PARAMETER_EVENT_BUS_NAME: 'mlops-bus',
      SEEDFARMER_PARAMETER_PATH_SUFFIX: 'dev-bus',
      AWS_PARTITION: 'aws-cn',
      CDK_DEFAULT_ACCOUNT: STAGING,
    });
  });

  it('resolves module metadata through the callback and leaves SSM and secrets to CodeBuild', () => {
    const manifest = module(`
name: pipeline
path: apps/promote
targetAccount: staging
targetRegion: eu-central-1
parameters:
  - name: bus-arn
    valueFrom:
      moduleMetadata: {group: registry, name: bus, key: EventBusArn}
  - name: outputs
    valueFrom:
      moduleMetadata: {group: registry, name: bus}
  - name: vpc-id
    valueFrom:
      parameterStore: /network/vpc-id
  - name: token
    valueFrom:
      secretsManager: mlops/token
`);
    const metadata: Record<string, unknown> = { EventBusArn: 'arn:bus', Count: 2 };
    const invocation = resolveModuleInvocation({
      project: 'mlops',
      deployment,
      group: 'promote',
      module: manifest,
      env: ENV,
      moduleMetadata: (ref) => (ref.key ? metadata[ref.key] : metadata),
    });
    expect(invocation.region).toBe('eu-central-1');
    expect(invocation.env.SEEDFARMER_PARAMETER_BUS_ARN).toBe('arn:bus');
    expect(invocation.env.SEEDFARMER_PARAMETER_OUTPUTS).toBe('{"EventBusArn": "arn:bus", "Count": 2}');
    expect(invocation.references).toEqual({
      SEEDFARMER_PARAMETER_VPC_ID: { type: 'PARAMETER_STORE', name: '/network/vpc-id' },
      SEEDFARMER_PARAMETER_TOKEN: { type: 'SECRETS_MANAGER', name: 'mlops/token' },
    });
  });

  it('fails when references cannot be resolved, naming the module and each parameter', () => {
    // GIVEN
    const manifest = module(`
name: pipeline
path: apps/promote
parameters:
  - name: bus-name
    valueFrom:
      envVariable: MISSING_VARIABLE
  - name: unknown-value
    valueFrom:
      parameterValue: notDefined
  - name: bus-arn
    valueFrom:
      moduleMetadata: {group: registry, name: bus, key: EventBusArn}
`);

    // WHEN
    const error = catchConfigError(() => resolveModuleInvocation({ project: 'mlops', deployment, group: 'promote', module: manifest, env: ENV }));

    // THEN
    expect(error.source).toBe('Seedfarmer invocation of module promote-pipeline');
    expect(error.issues.map((i) => i.path)).toEqual(['parameters[0]', 'parameters[1]', 'parameters[2]']);
    expect(error.issues.map((i) => i.message)).toEqual([
      'module promote-pipeline, parameter bus-name: the environment variable MISSING_VARIABLE is not set; set it before running Seedfarmer',
      expect.stringMatching(/^module promote-pipeline, parameter unknown-value: the deployment manifest has no parameter notDefined/),
      expect.stringMatching(/^module promote-pipeline, parameter bus-arn: the metadata key EventBusArn of module registry-bus is not available/),
    ]);
  });

  it('fails when the alias, the region or an environment variable is unknown', () => {
    const unknownAlias = catchConfigError(() =>
      resolveModuleInvocation({ project: 'mlops', deployment, group: 'promote', module: module('name: m\npath: p\ntargetAccount: prod\n'), env: ENV }),
    );
    expect(unknownAlias.issues).toEqual([expect.objectContaining({ path: 'targetAccount', message: expect.stringContaining('aliases: tooling, staging') })]);

    const unmappedRegion = catchConfigError(() =>
      resolveModuleInvocation({
        project: 'mlops',
        deployment,
        group: 'promote',
        module: module('name: m\npath: p\ntargetRegion: us-east-1\n'),
        env: { STAGE: 'dev' },
      }),
    );
    expect(unmappedRegion.issues.map((i) => i.path)).toEqual(['targetRegion']);

    const missingEnv = catchConfigError(() =>
      resolveModuleInvocation({ project: 'mlops', deployment, group: 'promote', module: module('name: m\npath: p\ntargetAccount: staging\n'), env: {} }),
    );
    expect(missingEnv.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('environment variable STAGE, which is not set'),
      expect.stringContaining('comes from the environment variable STAGING_ACCOUNT_ID, which is not set'),
    ]);
  });
});
