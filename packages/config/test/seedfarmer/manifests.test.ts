import { catchConfigError, DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  deploySpecSchema,
  deploymentManifestSchema,
  issuesFromZod,
  moduleManifestSchema,
  parseDeploySpec,
  parseModuleManifests,
  seedfarmerProjectSchema,
} from '../../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const STAGING = DUMMY_ACCOUNTS.staging;

const DEPLOYMENT_YAML = `
name: mlops
toolchainRegion: eu-west-1
forceDependencyRedeploy: false
groups:
  - name: registry
    path: manifests/example/registry.yaml
  - name: promote
    path: manifests/example/promote.yaml
    concurrency: 2
targetAccountMappings:
  - alias: tooling
    accountId: ${TOOLING}
    default: true
    parametersGlobal:
      bucketPrefix: mlops
    regionMappings:
      - region: eu-west-1
        default: true
        parametersRegional:
          subnets: [subnet-1, subnet-2]
  - alias: staging
    accountId:
      valueFrom:
        envVariable: STAGING_ACCOUNT_ID
    regionMappings:
      - region: eu-west-1
`;


describe('seedfarmerProjectSchema', () => {
  it('accepts a seedfarmer.yaml that fails on unknown manifest fields', () => {
    const project = seedfarmerProjectSchema.parse(parse('project: mlops\nmanifestValidationFailOnUnknownFields: true\nseedfarmerVersion: 8\n'));
    expect(project).toEqual({ project: 'mlops', manifestValidationFailOnUnknownFields: true, seedfarmerVersion: 8 });
  });

  it('fails when a key is misspelt', () => {
    const result = seedfarmerProjectSchema.safeParse({ project: 'mlops', projectPolicy: 'x' });
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['projectPolicy'] });
  });
});

describe('deploymentManifestSchema', () => {
  it('accepts a deployment manifest with literal and environment account ids', () => {
    const manifest = deploymentManifestSchema.parse(parse(DEPLOYMENT_YAML));
    expect(manifest.groups.map((g) => g.name)).toEqual(['registry', 'promote']);
    expect(manifest.targetAccountMappings[0].accountId).toBe(Number(TOOLING));
    expect(manifest.targetAccountMappings[1].accountId).toEqual({ valueFrom: { envVariable: 'STAGING_ACCOUNT_ID' } });
  });

  it('fails when a key is misspelt, naming the known keys', () => {
    // GIVEN
    const doc = parse(DEPLOYMENT_YAML.replace('    regionMappings:\n      - region: eu-west-1\n        default', '    regionMapings:\n      - region: eu-west-1\n        default'));

    // WHEN
    const result = deploymentManifestSchema.safeParse(doc);
    const issues = issuesFromZod(result.error!, doc, undefined, { schema: deploymentManifestSchema, noun: 'key' });

    // THEN
    expect(issues).toContainEqual({
      path: 'targetAccountMappings[0].regionMapings',
      received: expect.any(Array),
      message: expect.stringContaining('unknown key; known keys are: alias, accountId, default, parametersGlobal, regionMappings'),
    });
    expect(issues).toContainEqual(expect.objectContaining({ path: 'targetAccountMappings[0].regionMappings', received: undefined }));
  });

  it('fails when name and nameGenerator are both missing, or defaults and aliases repeat', () => {
    const doc = parse(DEPLOYMENT_YAML.replace('name: mlops\n', '').replace('alias: staging', 'alias: tooling\n    default: true'));
    const result = deploymentManifestSchema.safeParse(doc);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['name', 'give either name or nameGenerator'],
      ['targetAccountMappings.1.alias', 'account aliases must be unique; rename one'],
      ['targetAccountMappings.1.default', 'only one target account may be the default; remove default: true from all but one'],
    ]);
  });
});

describe('moduleManifestSchema and parseModuleManifests', () => {
  const GROUP_YAML = `
name: pipeline
path: apps/promote
targetAccount: staging
parameters:
  - name: source-model-package-group-arn
    value: arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package-group/churn
  - name: stagingAccounts
    value: ["${STAGING}"]
  - name: bucket-prefix
    valueFrom:
      parameterValue: bucketPrefix
  - name: registry-bus-arn
    valueFrom:
      moduleMetadata:
        group: registry
        name: bus
        key: EventBusArn
dataFiles:
  - filePath: data/policy.json
---
name: event-bus
path: apps/promote
parameters:
  - name: component
    value: event-bus
---
`;

  it('parses every module of a multi-document group manifest', () => {
    const modules = parseModuleManifests(GROUP_YAML);
    expect(modules.map((m) => m.name)).toEqual(['pipeline', 'event-bus']);
    expect(modules[0].parameters[1]).toEqual({ name: 'stagingAccounts', value: [STAGING] });
    expect(modules[1].parameters).toEqual([{ name: 'component', value: 'event-bus' }]);
  });

  it('fails when a parameter has both value and valueFrom, or neither', () => {
    const result = moduleManifestSchema.safeParse({
      name: 'm',
      path: 'apps/m',
      parameters: [{ name: 'a', value: 1, valueFrom: { envVariable: 'A' } }, { name: 'b' }],
    });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'parameter a has both value and valueFrom; keep one',
      'parameter b needs a value or a valueFrom',
    ]);
  });

  it('fails when valueFrom names no source or two sources', () => {
    const result = moduleManifestSchema.safeParse({
      name: 'm',
      path: 'apps/m',
      parameters: [{ name: 'a', valueFrom: { envVariable: 'A', parameterStore: '/a' } }],
    });
    expect(result.error?.issues[0].message).toBe('valueFrom has envVariable and parameterStore; give exactly one source');
  });

  it('fails with the document index and path when a key is misspelt or two parameters collide', () => {
    // GIVEN
    const text = GROUP_YAML.replace('targetAccount: staging', 'targetAcount: staging').concat(
      'name: other\npath: apps/other\nparameters:\n  - name: vpc-id\n    value: a\n  - name: vpcId\n    value: b\n',
    );

    // WHEN
    const error = catchConfigError(() => parseModuleManifests(text, 'manifests/example/promote.yaml'));

    // THEN
    expect(error.source).toBe('manifests/example/promote.yaml');
    expect(error.issues.map((i) => i.path)).toEqual(['[0].targetAcount', '[2].parameters[1].name']);
    expect(error.issues[0].message).toMatch(/^unknown key; known keys are: name, path, targetAccount/);
    expect(error.issues[1].message).toBe('"vpc-id" and "vpcId" both become SEEDFARMER_PARAMETER_VPC_ID; rename one');
  });

  it('fails when two modules of a group share a name', () => {
    const error = catchConfigError(() => parseModuleManifests('name: a\npath: apps/a\n---\nname: a\npath: apps/b\n'));
    expect(error.issues).toEqual([expect.objectContaining({ path: '[1].name', message: expect.stringContaining('document [0]') })]);
  });
});

describe('deploySpecSchema', () => {
  const DEPLOYSPEC = `
publishGenericEnvVariables: true
deploy:
  phases:
    install:
      commands:
        - npm ci
    build:
      commands:
        - npx cdk deploy --require-approval never
destroy:
  phases:
    build:
      commands:
        - npx cdk destroy --force
build_type: BUILD_GENERAL1_MEDIUM
`;

  it('accepts a deployspec', () => {
    const spec = parseDeploySpec(DEPLOYSPEC);
    expect(spec.deploy.phases.build?.commands).toEqual(['npx cdk deploy --require-approval never']);
    expect(spec.build_type).toBe('BUILD_GENERAL1_MEDIUM');
  });

  it('fails when a phase is misspelt or the build type is unknown', () => {
    const result = deploySpecSchema.safeParse(parse(DEPLOYSPEC.replace('    install:', '    prebuild:').replace('MEDIUM', 'HUGE')));
    expect(result.error?.issues.map((i) => i.code).sort()).toEqual(['invalid_value', 'unrecognized_keys']);
  });
});
