import {
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListTagsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import {
  DUMMY_ACCOUNTS,
  DUMMY_REGION,
  motoRequired,
  policyForMoto,
  rolePolicyFromTemplate,
  startMoto,
  type MotoCredentials,
  type MotoServer,
} from '@sagemaker-mlops/test-utils';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../test/fixtures';
import { buildProjectEnvironment, exampleCheckout, readBuildspec, runBuildCommand } from '../test/model-build';

const BUILD = DUMMY_ACCOUNTS.staging;
/** The HTTP status of a rejected call (moto answers a denied JSON-protocol call with an XML 403 the SDK cannot parse). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return 200;
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
    return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  }
}

const DEFINITION = JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: [] });

/**
 * The role the tooling account's model build project assumes in the build account (what the example
 * buildspec's pipeline-run does), with the statements of the synthesized build account template, against
 * moto with IAM enforcement: it may upsert and start the group's SageMaker pipeline, and may not write
 * to the model registry.
 */
describe.skipIf(!motoRequired())('the tooling build role against the AWS emulator', () => {
  let moto: MotoServer;
  let asTooling: MotoCredentials;
  let names: ReturnType<typeof synth>['stack']['config']['groups'][number]['names'];
  let stack: ReturnType<typeof synth>['stack'];
  let asProject: MotoCredentials;
  let buildAdmin: MotoCredentials;

  beforeAll(async () => {
    // GIVEN the production group, which builds in the staging dummy account
    ({ stack } = synth());
    const stage = stack.stages[1];
    names = stack.config.groups[1].names;
    const template = Template.fromStack(stage.buildAccount).toJSON();
    const idOf = (type: string, nameProperty: string, name: string) =>
      Object.keys(template.Resources).find((id) => template.Resources[id].Type === type && template.Resources[id].Properties?.[nameProperty] === name)!;
    const roleId = idOf('AWS::IAM::Role', 'RoleName', names.toolingAccessRole);
    // The names the template gives its bucket and execution role (the emulator resolves references to them).
    const bucketId = idOf('AWS::S3::Bucket', 'BucketName', names.artifactsBucket);
    const executionRoleId = idOf('AWS::IAM::Role', 'RoleName', names.sagemakerExecutionRole);
    const values = {
      account: BUILD,
      region: DUMMY_REGION,
      refs: { [bucketId]: names.artifactsBucket, [executionRoleId]: names.sagemakerExecutionRole },
      getAtts: {
        [`${bucketId}.Arn`]: `arn:aws:s3:::${names.artifactsBucket}`,
        [`${executionRoleId}.Arn`]: `arn:aws:iam::${BUILD}:role/${names.sagemakerExecutionRole}`,
      },
    };
    const policy = policyForMoto(rolePolicyFromTemplate(template, roleId, values), {
      // moto does not evaluate iam:PassedToService; the unit tests assert the condition.
      conditions: { 'iam:PassedToService': (statement) => statement },
    });
    // The tooling account's model build project role: all it may do in the build account is assume the role above.
    const tooling = Template.fromStack(stage.pipelines).toJSON();
    const projectRoleId = Object.keys(tooling.Resources).find((id) => tooling.Resources[id].Type === 'AWS::IAM::Role' && id.startsWith('ModelBuildRole'))!;
    const projectPolicy = policyForMoto(rolePolicyFromTemplate(tooling, projectRoleId, { account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION }));
    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
    const admin = (buildAdmin = await moto.adminCredentials(BUILD));
    asTooling = await moto.assumeRole(admin, await moto.createRole(admin, names.toolingAccessRole, policy), 'model-build');
    await moto.createRole(admin, names.sagemakerExecutionRole, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    await new S3Client(moto.clientConfig({ credentials: admin })).send(new CreateBucketCommand({ Bucket: names.artifactsBucket, CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    const toolingAdmin = await moto.adminCredentials(DUMMY_ACCOUNTS.tooling);
    asProject = await moto.assumeRole(toolingAdmin, await moto.createRole(toolingAdmin, 'model-build-project', projectPolicy), 'codebuild');
    await moto.enforceIam();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('creates and starts the group\'s SageMaker pipeline as that role', async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: asTooling }));
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: names.sagemakerPipeline,
        PipelineDefinition: DEFINITION,
        RoleArn: `arn:aws:iam::${BUILD}:role/${names.sagemakerExecutionRole}`,
        ClientRequestToken: 'model-cicd-emulator-create',
      }),
    );
    const started = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: names.sagemakerPipeline, ClientRequestToken: 'model-cicd-emulator-start' }));
    const execution = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: started.PipelineExecutionArn }));
    expect(execution.PipelineExecutionStatus).toBeDefined();
  });

  it('fails when the role tries to write to the model registry (no CreateModelPackageGroup, no UpdateModelPackage)', async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: asTooling }));
    expect(await statusOf(sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'other' })))).toBe(403);
    expect(
      await statusOf(sagemaker.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: `arn:aws:sagemaker:${DUMMY_REGION}:${BUILD}:model-package/${names.modelPackageGroup}/1`,
          ModelApprovalStatus: 'Approved',
        }),
      )),
    ).toBe(403);
  });

  it('runs the example buildspec\'s render and pipeline-run commands as the build project: uploads, creates, tags and runs the pipeline in the build account', async () => {
    // GIVEN the example repository, and the build project's environment as synthesized, its credentials and moto's endpoint
    const checkout = exampleCheckout();
    const env: Record<string, string> = { ...buildProjectEnvironment(stack, 1), ...moto.childEnv(asProject, DUMMY_REGION), CODEBUILD_BUILD_ID: 'model-build:1' };
    const [render, run] = readBuildspec().phases.build.commands!;

    // WHEN CodeBuild runs the build phase
    const rendered = runBuildCommand(render, checkout, env);
    expect(rendered.status, rendered.stderr).toBe(0);
    const out = runBuildCommand(run, checkout, env);

    // THEN the tool assumed the build account role and did everything it calls with that role's permissions
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    // Created, or updated when the test above created it first.
    expect(out.stdout).toMatch(new RegExp(`\\[pipeline-run\\] pipeline ${names.sagemakerPipeline}: (created|updated)`));
    expect(out.stdout).toContain('[pipeline-run] execution status: Succeeded');
    const inBuild = new SageMakerClient(moto.clientConfig({ credentials: buildAdmin }));
    const described = await inBuild.send(new DescribePipelineCommand({ PipelineName: names.sagemakerPipeline }));
    expect(described.PipelineArn).toContain(`:${BUILD}:pipeline/${names.sagemakerPipeline}`);
    expect(described.RoleArn).toBe(env.SAGEMAKER_PIPELINE_ROLE_ARN);
    expect(described.PipelineDescription).toBe(env.SAGEMAKER_PIPELINE_DESCRIPTION);
    const tags = await inBuild.send(new ListTagsCommand({ ResourceArn: described.PipelineArn }));
    expect(tags.Tags).toEqual(expect.arrayContaining([{ Key: 'env-type', Value: env.ENV_TYPE }, { Key: 'project', Value: env.PROJECT_NAME }]));
    const objects = await new S3Client(moto.clientConfig({ credentials: buildAdmin })).send(new ListObjectsV2Command({ Bucket: names.artifactsBucket, Prefix: `${names.sagemakerPipeline}/` }));
    expect(objects.Contents?.map((o) => o.Key)).toEqual(
      expect.arrayContaining([`${names.sagemakerPipeline}/code/preprocess.py`, `${names.sagemakerPipeline}/code/evaluate.py`, `${names.sagemakerPipeline}/data/abalone.csv`]),
    );

    // AND a second build updates the pipeline rather than failing on its existence
    const again = runBuildCommand(run, checkout, { ...env, CODEBUILD_BUILD_ID: 'model-build:2' });
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
    expect(again.stdout).toContain(`[pipeline-run] pipeline ${names.sagemakerPipeline}: updated`);
  }, 180_000);
});
