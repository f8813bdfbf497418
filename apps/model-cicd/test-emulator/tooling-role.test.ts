import {
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
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
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../test/fixtures';

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

  beforeAll(async () => {
    // GIVEN the production group, which builds in the staging dummy account
    const { stack } = synth();
    const stage = stack.stages[1];
    names = stack.config.groups[1].names;
    const template = Template.fromStack(stage.buildAccount).toJSON();
    const roleId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::IAM::Role' && id.startsWith('ToolingBuildRole'))!;
    const policy = policyForMoto(rolePolicyFromTemplate(template, roleId, { account: BUILD, region: DUMMY_REGION }), {
      // moto does not evaluate iam:PassedToService; the unit tests assert the condition.
      conditions: { 'iam:PassedToService': (statement) => statement },
    });
    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
    const admin = await moto.adminCredentials(BUILD);
    asTooling = await moto.assumeRole(admin, await moto.createRole(admin, names.toolingAccessRole, policy), 'model-build');
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
});
