import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { bundlePath } from '@sagemaker-mlops/registry';
import {
  DUMMY_ACCOUNTS,
  DUMMY_REGION,
  motoRequired,
  policyForMoto,
  resolveIntrinsics,
  rolePolicyFromTemplate,
  startMoto,
  withoutAction,
  type IntrinsicValues,
  type MotoCredentials,
  type MotoServer,
  type PolicyDocument,
} from '@sagemaker-mlops/test-utils';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, MULTI_ACCOUNT, synth } from '../test/fixtures';

const run = promisify(execFile);
const TOOLING = DUMMY_ACCOUNTS.tooling;
const STAGING = DUMMY_ACCOUNTS.staging;
const REGION = DUMMY_REGION;
const SEED_CODE = join(__dirname, '..', 'seed-code');

type TemplateJson = Record<string, any>;

/** The one resource of `type` whose logical id contains `idPart`. */
function logicalId(template: TemplateJson, type: string, idPart = ''): string {
  const ids = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === type && id.includes(idPart));
  if (ids.length !== 1) throw new Error(`expected one ${type} named *${idPart}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** A CodeBuild project's environment variables, resolved. */
function projectEnvironment(template: TemplateJson, idPart: string, values: IntrinsicValues): Record<string, string> {
  const project = template.Resources[logicalId(template, 'AWS::CodeBuild::Project', idPart)];
  const variables = resolveIntrinsics(project.Properties.Environment.EnvironmentVariables, template, values) as Array<{ Name: string; Value: string }>;
  return Object.fromEntries(variables.map((v) => [v.Name, String(v.Value)]));
}

/**
 * The environment CodeBuild gives an action's build: the project's variables, then the action's
 * (CodePipeline `EnvironmentVariables`, JSON), whose `#{Build.NAME}` are the variables the build action
 * exported, read here from the build's `pipeline-variables.env` (`export NAME='value'` lines).
 */
function actionEnvironment(
  template: TemplateJson,
  actionName: string,
  projectIdPart: string,
  values: IntrinsicValues,
  exportedFile?: string,
): Record<string, string> {
  const pipelineResource = template.Resources[logicalId(template, 'AWS::CodePipeline::Pipeline')];
  const action = pipelineResource.Properties.Stages.flatMap((stage: { Actions: unknown[] }) => stage.Actions).find(
    (a: { Name: string }) => a.Name === actionName,
  );
  if (action === undefined) throw new Error(`no pipeline action ${actionName}`);
  const exported: Record<string, string> = {};
  if (exportedFile !== undefined) {
    for (const match of readFileSync(exportedFile, 'utf8').matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)) exported[match[1]] = match[2];
  }
  const overrides = JSON.parse(resolveIntrinsics(action.Configuration.EnvironmentVariables ?? '[]', template, values)) as Array<{
    name: string;
    value: string;
  }>;
  return {
    ...projectEnvironment(template, projectIdPart, values),
    ...Object.fromEntries(
      overrides.map((o) => [
        o.name,
        o.value.replace(/#\{Build\.([A-Z_]+)\}/g, (_, name: string) => {
          if (exported[name] === undefined) throw new Error(`${actionName}: the build exported no ${name}`);
          return exported[name];
        }),
      ]),
    ),
  };
}

/**
 * The endpoint deployment pipeline's tools against moto, with IAM enforced: the bundled build step as
 * the build project's role, the endpoint template "deployed" in the staging account with the parameters
 * the build wrote, then the bundled staging test as the test project's role, assuming the stage's
 * test role, both roles holding the policies of the synthesized templates.
 */
describe.skipIf(!motoRequired())('endpoint deployment against the AWS emulator, as the roles of the synthesized templates', () => {
  let moto: MotoServer;
  let pipeline: TemplateJson;
  let endpointTemplate: TemplateJson;
  let asBuild: MotoCredentials;
  let asTest: MotoCredentials;
  let testRolePolicy: PolicyDocument;
  let stagingAdmin: MotoCredentials;
  let latestApproved: string;
  let workDir: string;
  const tooling: IntrinsicValues = { account: TOOLING, region: REGION };

  beforeAll(async () => {
    // GIVEN the module synthesized as its unit tests do (one staging, one prod account)
    const { stack } = synth(MULTI_ACCOUNT);
    pipeline = Template.fromStack(stack).toJSON();
    endpointTemplate = Template.fromStack(stack.template.endpointStack).toJSON();
    workDir = mkdtempSync(join(tmpdir(), 'endpoint-deploy-emulator-'));
    cpSync(SEED_CODE, join(workDir, 'repo'), { recursive: true });

    moto = await startMoto(REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 2000 });
    const toolingAdmin = await moto.adminCredentials(TOOLING);
    stagingAdmin = await moto.adminCredentials(STAGING);

    // The model registry (here the tooling account): v1 and v2 approved, v3 pending.
    const registry = new SageMakerClient(moto.clientConfig({ credentials: toolingAdmin }));
    await registry.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
    for (const status of ['Approved', 'Approved', 'PendingManualApproval'] as const) {
      const created = await registry.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: GROUP,
          ModelApprovalStatus: status,
          InferenceSpecification: {
            Containers: [
              {
                Image: `${TOOLING}.dkr.ecr.${REGION}.amazonaws.com/churn:1`,
                ModelDataUrl: `s3://sm-${MULTI_ACCOUNT.sagemaker_project_id}-models-${TOOLING}-${REGION}/churn/model.tar.gz`,
              },
            ],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
          },
        }),
      );
      if (status === 'Approved') latestApproved = created.ModelPackageArn!;
    }

    // The roles, with the statements of the templates.
    const roleAs = async (admin: MotoCredentials, name: string, policy: PolicyDocument) =>
      moto.assumeRole(admin, await moto.createRole(admin, name, policy), name);
    asBuild = await roleAs(toolingAdmin, 'endpoint-build', policyForMoto(rolePolicyFromTemplate(pipeline, logicalId(pipeline, 'AWS::IAM::Role', 'BuildRole'), tooling)));
    const testProjectRole = pipeline.Resources[logicalId(pipeline, 'AWS::IAM::Role', 'TestRole')];
    asTest = await roleAs(
      toolingAdmin,
      resolveIntrinsics(testProjectRole.Properties.RoleName, pipeline, tooling),
      policyForMoto(rolePolicyFromTemplate(pipeline, logicalId(pipeline, 'AWS::IAM::Role', 'TestRole'), tooling)),
    );
    // The stage's test role: its inline policy from the endpoint template, for the staging account.
    // moto matches trust principals literally (no account root, no aws:PrincipalArn): the harness
    // trusts any principal, and the template's trust policy stays covered by the unit tests.
    const stageValues = { account: STAGING, region: REGION, refs: { StageName: 'staging' } };
    const stageTestRole = endpointTemplate.Resources[logicalId(endpointTemplate, 'AWS::IAM::Role', 'EndpointTestRole')];
    testRolePolicy = policyForMoto(
      rolePolicyFromTemplate(endpointTemplate, logicalId(endpointTemplate, 'AWS::IAM::Role', 'EndpointTestRole'), {
        ...stageValues,
        getAtts: { 'Endpoint.EndpointArn': `arn:aws:sagemaker:${REGION}:${STAGING}:endpoint/emulated` },
      }),
    );
    await moto.createRole(stagingAdmin, resolveIntrinsics(stageTestRole.Properties.RoleName, endpointTemplate, stageValues), testRolePolicy);
    await moto.enforceIam();
  });
  afterAll(async () => {
    await moto?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('the bundled build step writes each stage\'s parameters for the latest approved version, as the build role', async () => {
    // GIVEN the build action's environment from the template; the deploy repository is the seed code
    const env: Record<string, string> = { ...actionEnvironment(pipeline, 'BuildEndpointParameters', 'BuildProject', tooling), SOURCE_DIR: join(workDir, 'repo'), OUTPUT_DIR: join(workDir, 'build') };

    // WHEN the shipped bundle runs, its SDK pointed at moto through AWS_ENDPOINT_URL
    const { stdout } = await run(process.execPath, [join(bundlePath('endpoint-build'), 'index.cjs')], {
      env: { ...moto.childEnv(asBuild), ...env },
      cwd: workDir,
      timeout: 30_000,
    });

    // THEN
    expect(stdout).toContain(latestApproved);
    const staging = JSON.parse(readFileSync(join(workDir, 'build', 'staging-template-configuration.json'), 'utf8'));
    expect(staging.Parameters).toEqual({
      ModelPackageArn: latestApproved,
      StageName: 'staging',
      InstanceType: 'ml.m5.large',
      InstanceCount: '1',
      VariantName: 'AllTraffic',
      DataCaptureSamplingPercentage: '100',
    });
    expect(readFileSync(join(workDir, 'build', 'pipeline-variables.env'), 'utf8')).toContain(latestApproved);
  });

  it('the endpoint template\'s model, endpoint config and endpoint are accepted by the emulated staging account', async () => {
    // GIVEN the parameters the build wrote; CloudFormation is emulated: physical names as it would generate them
    const { Parameters } = JSON.parse(readFileSync(join(workDir, 'build', 'staging-template-configuration.json'), 'utf8'));
    const names = { model: 'Model-EMULATED', endpointConfig: 'EndpointConfig-EMULATED' };
    const values: IntrinsicValues = {
      account: STAGING,
      region: REGION,
      refs: { ...Parameters, DataCapture8D9F5501: 'emulated-capture-bucket' },
      getAtts: {
        'Model.ModelName': names.model,
        'EndpointConfig.EndpointConfigName': names.endpointConfig,
      },
    };
    const properties = (type: string) => resolveIntrinsics(endpointTemplate.Resources[logicalId(endpointTemplate, type)].Properties, endpointTemplate, values);
    await moto.relaxIam();
    try {
      const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: stagingAdmin }));
      // WHEN
      await sagemaker.send(new CreateModelCommand({ ...properties('AWS::SageMaker::Model'), ModelName: names.model }));
      await sagemaker.send(new CreateEndpointConfigCommand({ ...properties('AWS::SageMaker::EndpointConfig'), EndpointConfigName: names.endpointConfig }));
      const endpoint = properties('AWS::SageMaker::Endpoint');
      await sagemaker.send(new CreateEndpointCommand(endpoint));
      // THEN
      const described = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint.EndpointName }));
      expect(described).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: names.endpointConfig });
      expect(endpoint.EndpointName).toBe(projectEnvironment(pipeline, 'TestProject', tooling).ENDPOINT_NAME);
    } finally {
      await moto.enforceIam();
    }
  });

  it('the bundled staging test passes, as the test project\'s role assuming the stage\'s test role', async () => {
    // GIVEN the test action's environment from the template, with what the build action exported
    const env: Record<string, string> = { ...actionEnvironment(pipeline, 'TestEndpoint', 'TestProject', tooling, join(workDir, 'build', 'pipeline-variables.env')), SOURCE_DIR: join(workDir, 'repo') };
    expect(env.MODEL_PACKAGE_ARN).toBe(latestApproved);
    expect(JSON.parse(env.STAGE_ACCOUNTS)).toEqual([STAGING]);

    // WHEN
    const { stdout } = await run(process.execPath, [join(bundlePath('endpoint-test'), 'index.cjs')], {
      env: { ...moto.childEnv(asTest), ...env },
      cwd: workDir,
      timeout: 30_000,
    });

    // THEN every invocation answered (moto's InvokeEndpoint returns a canned body)
    expect(stdout).toMatch(/^PASSED: endpoint churn-p-abc123def456-staging/m);
    const report = JSON.parse(readFileSync(join(workDir, env.REPORT_PATH), 'utf8'));
    expect(report).toMatchObject({ passed: true, accounts: [{ account: STAGING, passed: true, endpointStatus: 'InService' }] });
    expect(report.accounts[0].invocations).toHaveLength(3);
    expect(readFileSync(join(workDir, env.JUNIT_PATH), 'utf8')).toContain('failures="0"');
  });

  it('fails when the stage\'s test role lacks InvokeEndpoint: the staging test names the action', async () => {
    // GIVEN the stage's test role without sagemaker:InvokeEndpoint
    await moto.relaxIam();
    const roleName = projectEnvironment(pipeline, 'TestProject', tooling).TEST_ROLE_NAME;
    await moto.query('iam', stagingAdmin, {
      Action: 'PutRolePolicy',
      Version: '2010-05-08',
      RoleName: roleName,
      PolicyName: `${roleName}-policy`,
      PolicyDocument: JSON.stringify(withoutAction(testRolePolicy, 'sagemaker:InvokeEndpoint')),
    });
    await moto.enforceIam();
    const env: Record<string, string> = { ...actionEnvironment(pipeline, 'TestEndpoint', 'TestProject', tooling, join(workDir, 'build', 'pipeline-variables.env')), SOURCE_DIR: join(workDir, 'repo') };

    // WHEN / THEN
    const failed = await run(process.execPath, [join(bundlePath('endpoint-test'), 'index.cjs')], {
      env: { ...moto.childEnv(asTest), ...env },
      cwd: workDir,
      timeout: 30_000,
    }).catch((error: { code?: number; stderr?: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/sagemaker:InvokeEndpoint/);
  });
});
