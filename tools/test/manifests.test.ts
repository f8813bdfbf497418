import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deploySpecSchema,
  deploymentManifestSchema,
  parseModuleManifests,
  seedfarmerProjectSchema,
} from '@sagemaker-mlops/config';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { REPO_ROOT } from '../src/workspace';

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const apps = readdirSync(join(REPO_ROOT, 'apps'));
const exampleEnv = readEnvFile(join(REPO_ROOT, 'manifests/example/example.env'));

describe('Seedfarmer manifests', () => {
  it('seedfarmer.yaml is a valid project definition that fails on unknown fields', () => {
    const project = seedfarmerProjectSchema.parse(parse(readFileSync(join(REPO_ROOT, 'seedfarmer.yaml'), 'utf8')));
    expect(project.project).toBe('mlops');
    expect(project.manifestValidationFailOnUnknownFields).toBe(true);
  });

  it.each(yamlFiles(join(REPO_ROOT, 'manifests')).map((f) => [f.slice(REPO_ROOT.length + 1), f]))('%s is valid', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const doc = parse(text);
    if (doc && 'groups' in doc) {
      const deployment = deploymentManifestSchema.parse(doc);
      expect(deployment.groups.length).toBeGreaterThan(0);
    } else {
      const modules = parseModuleManifests(text);
      expect(modules.length).toBeGreaterThan(0);
      for (const m of modules) expect(apps).toContain(m.path.replace(/^apps\//, ''));
    }
  });

  it('resolves every module of the example deployment the way Seedfarmer would', () => {
    const { project, runs } = loadDeployment({ deploymentPath: 'manifests/example/deployment.yaml', env: exampleEnv });
    expect(project).toBe('mlops');
    expect(runs.map((r) => r.moduleName)).toEqual(['target-bus-bus', 'source-registry-access', 'promote-pipeline', 'deploy-endpoint', 'cicd-model-cicd', 'batch-promotion', 'template-project']);
    const pipeline = runs.find((r) => r.moduleName === 'promote-pipeline')!;
    expect(pipeline.account).toBe(exampleEnv.TARGET_ACCOUNT);
    expect(pipeline.env).toMatchObject({
      SEEDFARMER_PROJECT_NAME: 'mlops',
      SEEDFARMER_DEPLOYMENT_NAME: 'example',
      SEEDFARMER_MODULE_NAME: 'promote-pipeline',
      SEEDFARMER_PARAMETER_RETAIN_ON_DELETE: 'true',
      SEEDFARMER_PARAMETER_SOURCE_MODEL_PACKAGE_GROUP_ARN: `arn:aws:sagemaker:eu-west-1:${exampleEnv.SOURCE_ACCOUNT}:model-package-group/churn-model`,
    });
    const bus = runs.find((r) => r.moduleName === 'target-bus-bus')!;
    // Seedfarmer JSON-encodes every non-string value.
    expect(JSON.parse(bus.env.SEEDFARMER_PARAMETER_SOURCE_ACCOUNTS)).toEqual([exampleEnv.SOURCE_ACCOUNT]);
    const endpoint = runs.find((r) => r.moduleName === 'deploy-endpoint')!;
    expect(endpoint.account).toBe(exampleEnv.SOURCE_ACCOUNT);
    expect(endpoint.env).toMatchObject({
      SEEDFARMER_MODULE_NAME: 'deploy-endpoint',
      SEEDFARMER_PARAMETER_SAGEMAKER_PROJECT_NAME: 'churn',
      SEEDFARMER_PARAMETER_DATA_CAPTURE_SAMPLING_PERCENTAGE: '50',
    });
    expect(JSON.parse(endpoint.env.SEEDFARMER_PARAMETER_PROD_ACCOUNTS)).toEqual([exampleEnv.TARGET_ACCOUNT]);
    // Hyphenated parameter names reach the module as SEEDFARMER_PARAMETER_<NAME_WITH_UNDERSCORES>.
    const cicd = runs.find((r) => r.moduleName === 'cicd-model-cicd')!;
    expect(JSON.parse(cicd.env.SEEDFARMER_PARAMETER_DEPLOYMENT_GROUPS)[1].deployEnvironments[1].account).toBe(exampleEnv.TARGET_ACCOUNT);
  });

  it('fails when an account variable the deployment reads is not set', () => {
    const deployment = 'manifests/example/deployment.yaml';
    expect(() => loadDeployment({ deploymentPath: deployment, env: {} })).toThrow(/SOURCE_ACCOUNT/);
  });
});

describe('app deployspecs', () => {
  it.each(apps)('apps/%s/deployspec.yaml is valid and pins the CDK CLI', (app) => {
    const spec = deploySpecSchema.parse(parse(readFileSync(join(REPO_ROOT, 'apps', app, 'deployspec.yaml'), 'utf8')));
    const install = spec.deploy.phases.install?.commands ?? [];
    expect(install[0]).toMatch(/^npm install -g aws-cdk@2\.\d+\.\d+$/);
    expect(spec.deploy.phases.build?.commands.join('\n')).toContain('--outputs-file cdk-exports.json');
    expect(spec.deploy.phases.post_build?.commands.join('\n')).toContain('seedfarmer metadata convert');
    expect(spec.destroy?.phases.build?.commands.join('\n')).toContain('cdk destroy --all --force');
  });

  it.each(apps)('apps/%s/modulestack.yaml only lets the module assume CDK bootstrap roles', (app) => {
    const template = parse(readFileSync(join(REPO_ROOT, 'apps', app, 'modulestack.yaml'), 'utf8'));
    expect(Object.keys(template.Parameters)).toEqual(['DeploymentName', 'ModuleName', 'RoleName']);
    const statements = template.Resources.CdkBootstrapRolesPolicy.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('sts:AssumeRole');
    for (const resource of statements[0].Resource) expect(resource['Fn::Sub']).toMatch(/:role\/cdk-\*-[a-z-]+-role-\$\{AWS::AccountId\}-\$\{AWS::Region\}$/);
  });
});
