import { Aws, BootstraplessSynthesizer, CfnCondition, CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeControl, EncryptionKey, SecureBucket } from '@sagemaker-mlops/constructs';
import { STAGE_PIPELINE_PARAMETERS, VPC_TEMPLATE_PARAMETERS } from '@sagemaker-mlops/pipelines';
import { Construct } from 'constructs';
import { acknowledgeStatements, pipelineExecutionStatements } from './execution-policy';

/**
 * The stage parameters of the batch-inference pipeline: the keys of a stage file (`config/<stage>.json`) that the
 * schedule passes to every execution, in the seed's order. `ScheduleExpressionforPipeline` is the schedule itself.
 */
// One list with the Build tool's stage-file schema, so the schedule passes exactly what the stage files hold.
export const PIPELINE_STAGE_PARAMETERS = STAGE_PIPELINE_PARAMETERS;
export type PipelineStageParameter = (typeof PIPELINE_STAGE_PARAMETERS)[number];

/** The SageMaker pipeline metrics namespace ("Amazon SageMaker Pipelines metrics", Monitor SageMaker AI with CloudWatch). */
export const PIPELINE_METRICS_NAMESPACE = 'AWS/Sagemaker/ModelBuildingPipeline';

export interface BatchStageStackProps extends StackProps {
  readonly projectName: string;
  readonly projectId: string;
  /** The allowed values of the `StageName` parameter. */
  readonly stageNames: string[];
  /** The dev account, whose bucket holds the releases (definitions and code) the stages read. */
  readonly devAccount: string;
  readonly devRegion: string;
  /** The dev bucket that holds `releases/`. */
  readonly releaseBucketName: string;
  /** The model package group the pipeline registers versions in (created when `CreateModelPackageGroup` is true). */
  readonly modelPackageGroupName: string;
  /**
   * Subnets and security groups of the jobs (the same ids in every stage account).
   *
   * @default - no VPC
   */
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  /**
   * SSM parameter names of the subnets and security groups, resolved in each stage account when the stack deploys
   * (parameters `VpcSubnetIds` and `VpcSecurityGroupIds` of SSM parameter types, the names as defaults). The Build
   * step then inlines each stage's definition into this template, reading the resolved lists (see the README).
   *
   * @default - no VPC from SSM
   */
  readonly vpcParameterNames?: { readonly subnetIds: string; readonly securityGroupIds: string };
  /**
   * Whether the artifacts bucket, its key and the model package group outlive the stack.
   *
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * The SageMaker project's ARN, added as tag `sagemaker:project-arn`.
   *
   * @default - no such tag
   */
  readonly projectArn?: string;
}

/**
 * What lands in pre-prod and prod: one parameterized template, synthesized with the module and deployed to each
 * stage with that stage's parameters (`StageName`, the definition's S3 key, every stage value of the pipeline, the
 * schedule). It holds the SageMaker pipeline `<name>-<id>-<stage>-pipeline` created from the rendered definition
 * in the dev bucket, its least-privilege execution role, an artifacts bucket and key, the model package group, the
 * schedule (whose role may only start this pipeline) with a dead-letter queue, the dashboard
 * `<name>-<id>-<stage>-dashboard` and an alarm on failed executions. No assets, no CDK bootstrap needed.
 */
export class BatchStageStack extends Stack {
  public readonly stageName: CfnParameter;
  public readonly definitionKey: CfnParameter;
  public readonly pipelineParameters: Record<PipelineStageParameter, CfnParameter>;
  public readonly scheduleExpression: CfnParameter;
  public readonly createModelPackageGroup: CfnParameter;
  /** The SSM-typed VPC parameters, with `vpcParameterNames`. */
  public readonly vpcSubnetIds?: CfnParameter;
  public readonly vpcSecurityGroupIds?: CfnParameter;
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly executionRole: iam.Role;
  public readonly pipeline: sagemaker.CfnPipeline;
  public readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;
  public readonly scheduleRole: iam.Role;
  public readonly schedule: events.CfnRule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly failedExecutionsAlarm: cloudwatch.Alarm;
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: BatchStageStackProps) {
    super(scope, id, {
      description: `SageMaker batch-inference pipeline of project ${props.projectName} (${props.projectId}), one stage, on a schedule`,
      ...props,
      // Deployed by CodePipeline with the stage account's CDK roles from a pre-synthesized template: no assets, and
      // no BootstrapVersion rule (the BootstraplessSynthesizer throws on any asset at synth time).
      synthesizer: new BootstraplessSynthesizer(),
    });
    const retain = props.retainOnDelete ?? true;
    const base = `${props.projectName}-${props.projectId}`;

    // ---------------------------------------------------------------- parameters
    this.stageName = new CfnParameter(this, 'StageName', {
      type: 'String',
      description: 'Promotion stage; part of every resource name',
      allowedValues: props.stageNames,
    });
    this.definitionKey = new CfnParameter(this, 'PipelineDefinitionKey', {
      type: 'String',
      description: `Key of the rendered pipeline definition in s3://${props.releaseBucketName} (written by the Build step)`,
      allowedPattern: '^releases/.+\\.json$',
    });
    const integer = (name: string, description: string) =>
      new CfnParameter(this, name, { type: 'String', description, default: '1', allowedPattern: '^[1-9][0-9]{0,2}$', constraintDescription: 'must be a whole number from 1 to 999' });
    const instanceType = (name: string, description: string) =>
      new CfnParameter(this, name, { type: 'String', description, default: 'ml.m5.large', allowedPattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$', constraintDescription: 'must be an instance type ml.<family>.<size>' });
    const s3Url = (name: string, description: string) =>
      new CfnParameter(this, name, { type: 'String', description, allowedPattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$', constraintDescription: 'must be an s3://<bucket>/<key> URL' });
    this.pipelineParameters = {
      ProcessingInstanceCount: integer('ProcessingInstanceCount', 'Instances of the processing jobs'),
      ProcessingInstanceType: instanceType('ProcessingInstanceType', 'Instance type of the processing jobs'),
      TrainingInstanceCount: integer('TrainingInstanceCount', 'Instances of the training job'),
      InferenceInstanceCount: integer('InferenceInstanceCount', 'Instances of the batch transform job'),
      InferenceInstanceType: instanceType('InferenceInstanceType', 'Instance type of the batch transform job (and of the registered model)'),
      MseThreshold: new CfnParameter(this, 'MseThreshold', {
        type: 'String',
        description: 'Highest mean squared error at which the model is registered and the batch transform runs',
        default: '8.0',
        allowedPattern: '^[0-9]+(\\.[0-9]+)?$',
        constraintDescription: 'must be a non-negative number such as 8.0',
      }),
      InputDataUrl: s3Url('InputDataUrl', 'Training data the PreprocessData step reads'),
      BatchDataUrl: s3Url('BatchDataUrl', 'Data the Transform step predicts on'),
    };
    const dataBucket = (name: string, of: string) =>
      new CfnParameter(this, name, { type: 'String', description: `Bucket of ${of} (the execution role may read it)`, allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' });
    const inputBucket = dataBucket('InputDataBucket', 'InputDataUrl');
    const batchBucket = dataBucket('BatchDataBucket', 'BatchDataUrl');
    this.scheduleExpression = new CfnParameter(this, 'ScheduleExpression', {
      type: 'String',
      description: 'When the pipeline runs: rate(<ScheduleExpressionforPipeline>), or a cron() expression',
      default: 'rate(1 day)',
      allowedPattern: '^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\([^)]+\\))$',
      constraintDescription: 'must be rate(<n> <unit>) or cron(...)',
    });
    this.createModelPackageGroup = new CfnParameter(this, 'CreateModelPackageGroup', {
      type: 'String',
      description: 'Whether this stack creates the model package group (false when another stack of this account and region has)',
      allowedValues: ['true', 'false'],
      default: 'true',
    });
    let vpc = props.vpc;
    if (props.vpcParameterNames) {
      if (props.vpc) throw new Error('BatchStageStack: give vpc or vpcParameterNames, not both');
      // "Reference existing resources and Systems Manager parameters with CloudFormation-supplied parameter types"
      // (AWS CloudFormation User Guide): AWS::SSM::Parameter::Value<List<AWS-specific type>> resolves the named
      // parameter (StringList, or comma-separated String) of the deploying account and checks each id exists there.
      const ssmList = (id: string, type: string, name: string, of: string) =>
        new CfnParameter(this, id, { type: `AWS::SSM::Parameter::Value<List<${type}>>`, default: name, description: `SSM parameter (of this account) holding the ${of} of the jobs` });
      this.vpcSubnetIds = ssmList(VPC_TEMPLATE_PARAMETERS.subnets, 'AWS::EC2::Subnet::Id', props.vpcParameterNames.subnetIds, 'subnet ids');
      this.vpcSecurityGroupIds = ssmList(VPC_TEMPLATE_PARAMETERS.securityGroups, 'AWS::EC2::SecurityGroup::Id', props.vpcParameterNames.securityGroupIds, 'security group ids');
      vpc = { subnetIds: this.vpcSubnetIds.valueAsList, securityGroupIds: this.vpcSecurityGroupIds.valueAsList };
    }
    const stage = this.stageName.valueAsString;
    const createGroup = new CfnCondition(this, 'CreatesModelPackageGroup', { expression: Fn.conditionEquals(this.createModelPackageGroup.valueAsString, 'true') });

    // Stack tags cannot hold deploy-time values such as the stage, so the tags go on the resources.
    const tags: Array<[string, string]> = [
      ['sagemaker:project-name', props.projectName],
      ['sagemaker:project-id', props.projectId],
      ['Environment', stage],
      ...(props.projectArn ? ([['sagemaker:project-arn', props.projectArn]] as Array<[string, string]>) : []),
    ];
    // AWS::CloudWatch::Dashboard takes no Tags (cfn-lint E3002).
    for (const [key, value] of tags) Tags.of(this).add(key, value, { excludeResourceTypes: ['aws:cdk:stack', 'AWS::CloudWatch::Dashboard'] });

    // ---------------------------------------------------------------- storage
    const pipelineName = `${base}-${stage}-pipeline`;
    this.key = new EncryptionKey(this, 'Key', {
      description: `Artifacts, job volumes and notifications of the SageMaker pipeline ${pipelineName}`,
      retainOnDelete: retain,
    }).key;
    this.bucket = new SecureBucket(this, 'Artifacts', {
      // Literal apart from the stage and account: the Build step renders the definition for this bucket.
      bucketName: `${props.projectId.toLowerCase()}-${stage}-artifacts-${Aws.ACCOUNT_ID}`,
      encryptionKey: this.key,
      retainOnDelete: retain,
    }).bucket;

    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: props.modelPackageGroupName,
      modelPackageGroupDescription: `Models trained by the batch-inference pipeline of ${props.projectName} (${props.projectId})`,
    });
    this.modelPackageGroup.cfnOptions.condition = createGroup;
    this.modelPackageGroup.applyRemovalPolicy(retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    // ---------------------------------------------------------------- the pipeline and its role
    const roleName = `${base}-${stage}-sm-execution`;
    const roleArn = this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      roleName,
      description: `Runs the jobs of the SageMaker pipeline ${pipelineName}`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });
    const statements = pipelineExecutionStatements(this, {
      roleArn,
      artifactBucketName: this.bucket.bucketName,
      artifactKeyArn: this.key.keyArn,
      release: { bucketName: props.releaseBucketName, account: props.devAccount, region: props.devRegion },
      dataBucketNames: [inputBucket.valueAsString, batchBucket.valueAsString],
      modelPackageGroupName: props.modelPackageGroupName,
      vpc,
    });
    for (const { statement } of statements) this.executionRole.addToPolicy(statement);
    acknowledgeStatements(this, statements);

    this.pipeline = new sagemaker.CfnPipeline(this, 'Pipeline', {
      pipelineName,
      pipelineDisplayName: pipelineName,
      pipelineDescription: `Batch inference of ${props.projectName} (${props.projectId}): preprocess, train, evaluate, register, transform`,
      roleArn: this.executionRole.roleArn,
      // The definition the Build step rendered for this stage, read from the dev bucket when the stack deploys. With
      // vpcParameterNames the Build step writes this template with the definition inlined instead
      // (PipelineDefinitionBody, Fn::Sub over the resolved VPC lists): see inlineDefinition of @sagemaker-mlops/pipelines.
      pipelineDefinition: { PipelineDefinitionS3Location: { Bucket: props.releaseBucketName, Key: this.definitionKey.valueAsString } },
    });
    // The jobs may only start once the role can run them.
    this.pipeline.node.addDependency(this.executionRole);
    // SageMaker lowercases names in ARNs; the project name may hold capitals.
    const pipelineArn = this.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: `${base.toLowerCase()}-${stage}-pipeline` });

    // ---------------------------------------------------------------- the schedule
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      roleName: `${base}-${stage}-scheduler`,
      description: `Lets the schedule start ${pipelineName}, and nothing else`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      inlinePolicies: {
        StartPipeline: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ sid: 'StartThisPipeline', actions: ['sagemaker:StartPipelineExecution'], resources: [pipelineArn] })],
        }),
      },
    });
    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const ruleName = `${base}-${stage}-schedule`;
    this.schedule = new events.CfnRule(this, 'Schedule', {
      name: ruleName,
      description: `Starts ${pipelineName} with the stage's parameters`,
      scheduleExpression: this.scheduleExpression.valueAsString,
      state: 'ENABLED',
      targets: [
        {
          id: 'Pipeline',
          arn: pipelineArn,
          roleArn: this.scheduleRole.roleArn,
          // Every stage value reaches the execution, BatchDataUrl and InputDataUrl included (the reference's Transform
          // step ignored BatchDataUrl, so the schedule's value had no effect).
          sageMakerPipelineParameters: {
            pipelineParameterList: PIPELINE_STAGE_PARAMETERS.map((name) => ({ name, value: this.pipelineParameters[name].valueAsString })),
          },
          retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 86_400 },
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
      ],
    });
    this.schedule.addResourceDependency(this.pipeline);
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ScheduleDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.schedule.attrArn } },
      }),
    );
    ackDeadLetterQueue(this.deadLetterQueue);

    // ---------------------------------------------------------------- monitoring
    const pipelineMetric = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: PIPELINE_METRICS_NAMESPACE, metricName, dimensionsMap: { PipelineName: pipelineName }, statistic, period });
    const week = Duration.days(7);
    const ruleMetric = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/Events', metricName, dimensionsMap: { RuleName: ruleName }, statistic: cloudwatch.Stats.SUM, period: Duration.days(1) });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${base}-${stage}-dashboard`,
      widgets: [
        [
          new cloudwatch.SingleValueWidget({
            title: 'Pipeline executions (7 days)',
            metrics: [pipelineMetric('ExecutionSucceeded', cloudwatch.Stats.SUM, week), pipelineMetric('ExecutionFailed', cloudwatch.Stats.SUM, week)],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Execution duration (minutes)',
            left: [
              new cloudwatch.MathExpression({
                expression: 'm1/60000',
                label: 'ExecutionDuration (min)',
                usingMetrics: { m1: pipelineMetric('ExecutionDuration', cloudwatch.Stats.AVERAGE, Duration.days(1)) },
                period: Duration.days(1),
              }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Schedule invocations',
            left: [ruleMetric('Invocations'), ruleMetric('FailedInvocations')],
            width: 8,
          }),
        ],
      ],
    });

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `Failed executions of ${pipelineName}`, masterKey: this.key, enforceSSL: true });
    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutionsAlarm', {
      alarmName: `${base}-${stage}-pipeline-failed`,
      alarmDescription: `An execution of ${pipelineName} failed (the scheduled batch inference did not run to the end)`,
      metric: pipelineMetric('ExecutionFailed', cloudwatch.Stats.SUM, Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedExecutionsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    // CloudWatch publishes to an SSE-KMS topic with its own service principal ("Enable compatibility between event
    // sources from AWS services and encrypted topics", Amazon SNS Developer Guide). The key policy cannot name the
    // alarm (alarm -> topic -> key -> alarm would be circular), so it is limited to this account.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToAlarmTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: allow the alarm explicitly.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'FailedExecutionsAlarmPublishes',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.failedExecutionsAlarm.alarmArn } },
      }),
    );

    const outputs: Record<string, string> = {
      PipelineName: pipelineName,
      PipelineArn: pipelineArn,
      DashboardName: this.dashboard.dashboardName,
      ArtifactBucketName: this.bucket.bucketName,
      ExecutionRoleArn: this.executionRole.roleArn,
      AlarmTopicArn: this.alarmTopic.topicArn,
      ScheduleRuleArn: this.schedule.attrArn,
    };
    for (const [outputId, value] of Object.entries(outputs)) new CfnOutput(this, outputId, { value });
  }
}

/** A dead-letter queue of its own needs no dead-letter queue (cdk-nag SQS3, Control Tower CT.SQS.PR.1). */
function ackDeadLetterQueue(queue: sqs.Queue): void {
  const reason = 'This queue is itself the dead-letter queue of the schedule; a DLQ of a DLQ only moves the problem.';
  Validations.of(queue.node.defaultChild!).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  acknowledgeControl(queue, 'CT.SQS.PR.1', reason);
}
