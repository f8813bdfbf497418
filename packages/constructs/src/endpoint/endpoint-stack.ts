import {
  Arn,
  ArnFormat,
  Aws,
  BootstraplessSynthesizer,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  Stack,
  StackProps,
  Tags,
  Token,
} from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptionKey } from '../encryption-key';
import { SecureBucket } from '../secure-bucket';
import { endpointExecutionRoleName, endpointName, endpointTestRoleName } from './names';
import { acknowledgeWildcardResources, JustifiedStatement } from './private/acknowledge';
import { INSTANCE_STORAGE_FAMILIES, instanceFamilyCondition } from './private/instance-storage';
import { endpointStackPropsProblems, MIN_SHIFTING_INSTANCES, SHIFTING_MODES } from './private/validation';

/** Subnets and security groups given by id. The ids are the same in every account the template is deployed to. */
export interface EndpointVpcSubnets {
  /** Private subnets for the endpoint's network interfaces (1 to 16; two in different availability zones). */
  readonly subnetIds: string[];
  /** Security groups of the endpoint's network interfaces (1 to 5). */
  readonly securityGroupIds: string[];
}

/**
 * Subnets and security groups read from SSM parameters (StringList or comma-separated String) of each target
 * account when the stack is deployed, so every stage account can use its own VPC.
 */
export interface EndpointVpcParameters {
  /** Name of the SSM parameter that lists the subnet ids, e.g. `/network/private-subnet-ids`. */
  readonly subnetIdsParameterName: string;
  /** Name of the SSM parameter that lists the security group ids. */
  readonly securityGroupIdsParameterName: string;
}

/** Where the endpoint's network interfaces live: ids given directly, or SSM parameter names. */
export type EndpointVpcConfig = EndpointVpcSubnets | EndpointVpcParameters;

/** Capture of the endpoint's requests and responses (for Model Monitor and debugging). */
export interface EndpointDataCaptureOptions {
  /**
   * Whether requests and responses are captured.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Percentage of requests captured: the default of the `DataCaptureSamplingPercentage` parameter, which each
   * stage may override. Lower it for endpoints with high traffic.
   *
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Target-tracking autoscaling of the endpoint's variant on `SageMakerVariantInvocationsPerInstance`. */
export interface EndpointAutoscalingOptions {
  /** Fewest instances (at least 1). */
  readonly minCapacity: number;
  /** Most instances (at least `minCapacity`). */
  readonly maxCapacity: number;
  /** Invocations per instance and minute that autoscaling keeps the variant at. */
  readonly targetInvocationsPerInstance: number;
  /**
   * Seconds after a scale-in before the next one.
   *
   * @default - Application Auto Scaling's default for SageMaker variants (300)
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before the next one.
   *
   * @default - Application Auto Scaling's default for SageMaker variants (300)
   */
  readonly scaleOutCooldownSeconds?: number;
}

/** How traffic moves to the new fleet when the endpoint is updated. */
export type EndpointGuardrailMode = 'all-at-once' | 'canary' | 'linear';

/** The CloudWatch alarms whose firing during an update rolls the endpoint back. At least one is required. */
export interface EndpointGuardrailAlarms {
  /**
   * Highest acceptable share of invocations answered with a 5XX error, as a fraction (0.05 = 5%): the average of
   * `Invocation5XXErrors` over one minute, two minutes in a row.
   *
   * @default - no error alarm
   */
  readonly max5xxErrorRate?: number;
  /**
   * Highest acceptable average `ModelLatency` in milliseconds over one minute, two minutes in a row.
   *
   * @default - no latency alarm
   */
  readonly maxModelLatencyMs?: number;
}

/**
 * Deployment guardrails: a blue/green update with traffic shifting and automatic rollback.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html
 */
export interface EndpointGuardrailOptions {
  /** How traffic shifts from the old fleet to the new one. */
  readonly mode: EndpointGuardrailMode;
  /**
   * Share of the fleet that takes traffic first, in mode `canary` (1 to 50: SageMaker rejects a larger canary).
   *
   * @default 10
   */
  readonly canaryPercent?: number;
  /**
   * Share of the fleet added at each step, in mode `linear` (10 to 50, as SageMaker requires).
   *
   * @default 20
   */
  readonly linearStepPercent?: number;
  /** Baking time between steps (and after the last one) while the alarms are watched, 0 to 3600 seconds. */
  readonly waitIntervalSeconds: number;
  /**
   * Time limit of the whole update, 600 to 28800 seconds, more than `waitIntervalSeconds + terminationWaitSeconds`.
   *
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeoutSeconds?: number;
  /**
   * Time the old fleet is kept after the update completed, 0 to 3600 seconds.
   *
   * @default 0
   */
  readonly terminationWaitSeconds?: number;
  /** The alarms that roll the update back; at least one must be set. */
  readonly alarms: EndpointGuardrailAlarms;
}

/** Properties of an `EndpointStack`. They are the same for every stage; what varies per stage is a parameter. */
export interface EndpointStackProps extends StackProps {
  /** SageMaker project name: the first part of every resource name. */
  readonly projectName: string;
  /** SageMaker project id: the second part of every resource name. */
  readonly projectId: string;
  /**
   * Every stage name the template is deployed with: the allowed values of the `StageName` parameter, and the
   * names the length limits (endpoint 63, role 64 characters) are checked against.
   */
  readonly stageNames: string[];
  /** The account of the model registry, which holds the model artifacts and container images. */
  readonly modelRegistryAccount: string;
  /** Bucket (in `modelRegistryAccount`) that holds the model artifacts. The execution role may only read its objects. */
  readonly modelArtifactBucketName: string;
  /**
   * KMS key that encrypts the model artifacts; the execution role may decrypt with it through S3 only.
   *
   * @default - the artifacts are not encrypted with a customer managed key
   */
  readonly modelArtifactKeyArn?: string;
  /**
   * Role (in the tooling account) that runs the staging test. Only this role may assume the stage's test role,
   * which may only describe and invoke this endpoint.
   */
  readonly testPrincipalArn: string;
  /**
   * VPC of the endpoint's network interfaces.
   *
   * @default - SageMaker's own network (no VPC configuration)
   */
  readonly vpc?: EndpointVpcConfig;
  /**
   * Capture of requests and responses to a bucket of this stack.
   *
   * @default - enabled, 100% of requests
   */
  readonly dataCapture?: EndpointDataCaptureOptions;
  /**
   * Autoscaling of the variant.
   *
   * @default - no autoscaling: the variant keeps `InstanceCount` instances
   */
  readonly autoscaling?: EndpointAutoscalingOptions;
  /**
   * Blue/green traffic shifting with automatic rollback on alarms when the endpoint is updated.
   *
   * @default - SageMaker's default update: blue/green, all at once, no alarms
   */
  readonly guardrails?: EndpointGuardrailOptions;
  /**
   * Instance families (e.g. `g5`) whose volumes are local instance storage, encrypted by the instance itself.
   * SageMaker refuses a KMS key for them, so the endpoint configuration names the stack's key only when the
   * `InstanceType` parameter is of another family.
   *
   * @default - the families with instance storage that SageMaker hosting offered when this was written
   */
  readonly instanceStorageFamilies?: string[];
}

/** The CloudFormation parameters of an `EndpointStack`: what the build step writes per stage. */
export interface EndpointStackParameters {
  /** `ModelPackageArn`: the versioned model package to deploy. */
  readonly modelPackageArn: CfnParameter;
  /** `StageName`: one of `stageNames`; part of the endpoint and role names. */
  readonly stageName: CfnParameter;
  /** `InstanceType`, default `ml.m5.large`. */
  readonly instanceType: CfnParameter;
  /** `InstanceCount`, default 1. */
  readonly instanceCount: CfnParameter;
  /** `VariantName`, default `AllTraffic`. */
  readonly variantName: CfnParameter;
  /** `DataCaptureSamplingPercentage`, default `dataCapture.samplingPercentage`. Unused when capture is off. */
  readonly dataCaptureSamplingPercentage: CfnParameter;
}

const CAPTURE_PREFIX = 'data-capture';

/** The subnets and security groups of the model, as given or as parameter references. */
interface ResolvedVpc {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** Whether the ids are only known at deploy time (SSM parameters). */
  readonly fromParameters: boolean;
}

const TRAFFIC_ROUTING_TYPES: Record<EndpointGuardrailMode, string> = {
  'all-at-once': 'ALL_AT_ONCE',
  canary: 'CANARY',
  linear: 'LINEAR',
};

/**
 * A SageMaker real-time endpoint for one stage of a project, as a parameterized template: synthesized once,
 * then deployed to every stage account by CloudFormation or StackSets with the parameters of the stage
 * (`ModelPackageArn`, `StageName`, `InstanceType`, `InstanceCount`, `VariantName`, `DataCaptureSamplingPercentage`).
 *
 * It holds the model (from the model package of the registry account), an execution role that may read only
 * the model's artifacts and images, the endpoint configuration with volumes encrypted by a key of the stack,
 * the endpoint `<projectName>-<projectId>-<StageName>`, optional data capture, autoscaling and deployment
 * guardrails, and the role the staging test assumes. It contains no assets and needs no CDK bootstrap.
 */
export class EndpointStack extends Stack {
  /** The parameters the build step writes per stage. */
  public readonly parameters: EndpointStackParameters;
  /** The model: a new model package version replaces it, and the endpoint then updates in place. */
  public readonly model: sagemaker.CfnModel;
  /** The endpoint configuration. */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The endpoint. */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** The role SageMaker assumes to pull the model's artifacts and images and run it. */
  public readonly executionRole: iam.Role;
  /** The role the staging test assumes to describe and invoke the endpoint. */
  public readonly testRole: iam.Role;
  /** The key of the endpoint's storage volumes and captured data. */
  public readonly encryptionKey: kms.Key;
  /** The bucket of captured requests and responses, when data capture is enabled. */
  public readonly dataCaptureBucket?: s3.Bucket;
  /** The alarms that roll an update back, when guardrails are configured. */
  public readonly rollbackAlarms: cloudwatch.Alarm[];
  /** The topic the rollback alarms notify, when guardrails are configured: subscribe to learn of rollbacks. */
  public rollbackAlarmTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: EndpointStackProps) {
    const problems = endpointStackPropsProblems(props);
    if (problems.length > 0) {
      throw new Error(`EndpointStack '${id}' has invalid props:\n- ${problems.join('\n- ')}`);
    }
    super(scope, id, {
      description: `SageMaker real-time endpoint of project ${props.projectName} (${props.projectId}), one stage`,
      ...props,
      // StackSets deploy this template into accounts that need not be bootstrapped for CDK. The
      // BootstraplessSynthesizer emits no BootstrapVersion parameter and rule, and it throws on any asset at
      // synth time; DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) would drop the rule but
      // still accept assets that point at a bootstrap bucket the target accounts do not have.
      synthesizer: new BootstraplessSynthesizer(),
    });

    this.rollbackAlarms = [];
    this.parameters = this.createParameters(props);
    const stageName = this.parameters.stageName.valueAsString;
    const variantName = this.parameters.variantName.valueAsString;
    const name = endpointName(props.projectName, props.projectId, stageName);

    // Stack tags cannot hold deploy-time values such as the stage, so the tags go on the resources only.
    const tags: Array<[string, string]> = [
      ['sagemaker:deployment-stage', stageName],
      ['sagemaker:project-id', props.projectId],
      ['sagemaker:project-name', props.projectName],
    ];
    // Not the scalable target: the resource schemas cfn-lint has for every region (1.51) have no Tags on
    // AWS::ApplicationAutoScaling::ScalableTarget (E3002), and the stage regions' CloudFormation may not either.
    const untagged = ['aws:cdk:stack', 'AWS::ApplicationAutoScaling::ScalableTarget'];
    for (const [key, value] of tags) Tags.of(this).add(key, value, { excludeResourceTypes: untagged });

    this.encryptionKey = new EncryptionKey(this, 'EncryptionKey', {
      description: `Storage volumes and captured data of the SageMaker endpoint ${name}`,
    }).key;

    const captureEnabled = props.dataCapture?.enabled ?? true;
    if (captureEnabled) {
      this.dataCaptureBucket = new SecureBucket(this, 'DataCapture', { encryptionKey: this.encryptionKey }).bucket;
    }

    // The alarms exist before the execution role, whose inline policy must let SageMaker describe them.
    if (props.guardrails) this.createRollbackAlarms(props.guardrails, name, variantName);

    const vpcConfig = this.vpcConfig(props.vpc);
    this.executionRole = this.createExecutionRole(props, stageName, name, vpcConfig);

    this.model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: this.executionRole.roleArn,
      containers: [{ modelPackageName: this.parameters.modelPackageArn.valueAsString }],
      vpcConfig: vpcConfig && { subnets: vpcConfig.subnetIds, securityGroupIds: vpcConfig.securityGroupIds },
    });

    const instanceType = this.parameters.instanceType.valueAsString;
    const localStorage = instanceFamilyCondition(
      this,
      'InstanceHasLocalStorage',
      instanceType,
      props.instanceStorageFamilies ?? INSTANCE_STORAGE_FAMILIES,
    );
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      productionVariants: [
        {
          modelName: this.model.attrModelName,
          variantName,
          initialInstanceCount: this.parameters.instanceCount.valueAsNumber,
          instanceType,
          initialVariantWeight: 1,
        },
      ],
      // Instance storage is encrypted by the instance and SageMaker refuses a key for it.
      kmsKeyId: Token.asString(Fn.conditionIf(localStorage.logicalId, Aws.NO_VALUE, this.encryptionKey.keyArn)),
      dataCaptureConfig: this.dataCaptureBucket && {
        enableCapture: true,
        initialSamplingPercentage: this.parameters.dataCaptureSamplingPercentage.valueAsNumber,
        destinationS3Uri: `s3://${this.dataCaptureBucket.bucketName}/${CAPTURE_PREFIX}`,
        kmsKeyId: this.encryptionKey.keyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      },
    });

    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: name,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      deploymentConfig: props.guardrails && this.deploymentConfig(props.guardrails),
      // A new model keeps the instance count autoscaling reached instead of falling back to InstanceCount.
      retainAllVariantProperties: props.autoscaling ? true : undefined,
    });

    if (props.autoscaling) this.addAutoscaling(props.autoscaling, variantName);

    this.testRole = this.createTestRole(props, stageName);

    const outputs: Record<string, string> = {
      EndpointName: this.endpoint.attrEndpointName,
      // Ref of AWS::SageMaker::Endpoint is its ARN; the EndpointArn attribute is missing from the resource schema of
      // many regions (eu-west-1, us-east-2, ap-*), where a GetAtt of it fails the deployment (cfn-lint E1010).
      EndpointArn: this.endpoint.ref,
      ExecutionRoleArn: this.executionRole.roleArn,
      TestRoleArn: this.testRole.roleArn,
    };
    if (this.dataCaptureBucket) outputs.DataCaptureBucketName = this.dataCaptureBucket.bucketName;
    if (this.rollbackAlarmTopic) outputs.RollbackAlarmTopicArn = this.rollbackAlarmTopic.topicArn;
    for (const [outputId, value] of Object.entries(outputs)) new CfnOutput(this, outputId, { value });
  }

  private createParameters(props: EndpointStackProps): EndpointStackParameters {
    // A literal registry account lets CloudFormation refuse a model package of any other account.
    const account = Token.isUnresolved(props.modelRegistryAccount) ? '[0-9]{12}' : props.modelRegistryAccount;
    // CloudFormation refuses a stage whose InstanceCount leaves a canary or linear guardrail no valid step.
    const minInstances = props.guardrails && SHIFTING_MODES.includes(props.guardrails.mode) ? MIN_SHIFTING_INSTANCES : 1;
    return {
      modelPackageArn: new CfnParameter(this, 'ModelPackageArn', {
        type: 'String',
        description: 'ARN of the versioned model package to deploy, in the model registry account',
        allowedPattern: `^arn:[a-z-]+:sagemaker:[a-z0-9-]+:${account}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/[0-9]+$`,
        constraintDescription: 'must be the ARN of a versioned model package of the model registry account',
      }),
      stageName: new CfnParameter(this, 'StageName', {
        type: 'String',
        description: 'Deployment stage; part of the endpoint and role names',
        allowedValues: props.stageNames,
      }),
      instanceType: new CfnParameter(this, 'InstanceType', {
        type: 'String',
        default: 'ml.m5.large',
        description: 'Instance type of the endpoint',
        allowedPattern: '^ml\\.[a-z0-9-]+\\.[a-z0-9]+$',
        constraintDescription: 'must be a SageMaker instance type such as ml.m5.large',
      }),
      instanceCount: new CfnParameter(this, 'InstanceCount', {
        type: 'Number',
        default: minInstances,
        minValue: minInstances,
        description: 'Number of instances (the initial count when autoscaling is configured)',
        constraintDescription:
          minInstances > 1
            ? `must be at least ${minInstances}: a ${props.guardrails?.mode} guardrail shifts at most 50% of the variant's instances first`
            : undefined,
      }),
      variantName: new CfnParameter(this, 'VariantName', {
        type: 'String',
        default: 'AllTraffic',
        description: 'Name of the production variant; keep it across updates, as guardrails require',
        allowedPattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$',
      }),
      dataCaptureSamplingPercentage: new CfnParameter(this, 'DataCaptureSamplingPercentage', {
        type: 'Number',
        default: props.dataCapture?.samplingPercentage ?? 100,
        minValue: 0,
        maxValue: 100,
        description: 'Percentage of requests captured (ignored when data capture is disabled)',
      }),
    };
  }

  private vpcConfig(vpc: EndpointVpcConfig | undefined): ResolvedVpc | undefined {
    if (!vpc) return undefined;
    if ('subnetIds' in vpc) {
      return { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds, fromParameters: false };
    }
    const ssmList = 'AWS::SSM::Parameter::Value<List<String>>';
    return {
      subnetIds: new CfnParameter(this, 'SubnetIds', {
        type: ssmList,
        default: vpc.subnetIdsParameterName,
        description: 'SSM parameter that lists the subnet ids of the endpoint',
      }).valueAsList,
      securityGroupIds: new CfnParameter(this, 'SecurityGroupIds', {
        type: ssmList,
        default: vpc.securityGroupIdsParameterName,
        description: 'SSM parameter that lists the security group ids of the endpoint',
      }).valueAsList,
      fromParameters: true,
    };
  }

  private createExecutionRole(
    props: EndpointStackProps,
    stageName: string,
    name: string,
    vpc: ResolvedVpc | undefined,
  ): iam.Role {
    const statements: iam.PolicyStatement[] = [];
    const justified: JustifiedStatement[] = [];
    const allow = (statement: iam.PolicyStatement, wildcardReason?: string) => {
      statements.push(statement);
      if (wildcardReason) justified.push({ statement, reason: wildcardReason });
    };

    allow(
      new iam.PolicyStatement({
        sid: 'ReadModelArtifacts',
        actions: ['s3:GetObject'],
        resources: [
          this.formatArn({ service: 's3', region: '', account: '', resource: props.modelArtifactBucketName, resourceName: '*' }),
        ],
        conditions: { StringEquals: { 's3:ResourceAccount': props.modelRegistryAccount } },
      }),
      'Model artifact keys differ for every model version; reads are limited to the artifact bucket of the model registry account.',
    );
    if (props.modelArtifactKeyArn) {
      allow(
        new iam.PolicyStatement({
          sid: 'DecryptModelArtifacts',
          actions: ['kms:Decrypt'],
          resources: [props.modelArtifactKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    allow(
      new iam.PolicyStatement({
        sid: 'PullModelImages',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [
          this.formatArn({ service: 'ecr', account: props.modelRegistryAccount, resource: 'repository', resourceName: '*' }),
        ],
      }),
      'Each model package names its own image repository; pulls are limited to the repositories of the model ' +
        'registry account in this region.',
    );
    // Images of SageMaker's own algorithms and Deep Learning Containers need no statement here: SageMaker pulls
    // them with service-owned credentials, not the execution role's ("Docker Registry Paths and Example Code",
    // Amazon SageMaker AI Developer Guide, https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-algo-docker-registry-paths.html:
    // "Because customer credentials aren't used, any AWS IAM policies ... that deny Amazon ECR permissions won't
    // prevent use of pre-built images").
    allow(
      new iam.PolicyStatement({ sid: 'AuthorizeImagePulls', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      'ecr:GetAuthorizationToken does not support resource-level permissions.',
    );

    // The container's logs and instance metrics go to CloudWatch with the execution role ("CreateModel API:
    // Execution Role Permissions", How to use SageMaker AI execution roles,
    // https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html), into the endpoint's own log group.
    const logGroupArn = this.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${name}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    allow(
      new iam.PolicyStatement({
        sid: 'WriteEndpointLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
      }),
      'SageMaker names a log stream per variant and instance; writes are limited to the log group of this endpoint.',
    );
    allow(
      new iam.PolicyStatement({
        sid: 'PublishEndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] } },
      }),
      'cloudwatch:PutMetricData does not support resource-level permissions; it is limited to the SageMaker endpoint namespaces.',
    );
    if (this.rollbackAlarms.length > 0) {
      // A guardrail update fails unless the execution role may describe its rollback alarms ("Auto-Rollback
      // Configuration and Monitoring", https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
      allow(
        new iam.PolicyStatement({
          sid: 'DescribeRollbackAlarms',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: this.rollbackAlarms.map((a) => a.alarmArn),
        }),
      );
    }

    if (this.dataCaptureBucket) {
      allow(
        new iam.PolicyStatement({
          sid: 'WriteCapturedData',
          actions: ['s3:PutObject'],
          resources: [this.dataCaptureBucket.arnForObjects(`${CAPTURE_PREFIX}/*`)],
        }),
        'SageMaker names each capture file by endpoint, variant and hour; writes are limited to the capture ' +
          'prefix of the stack bucket.',
      );
      // SageMaker may encrypt with the capture key itself, not only through S3, so no kms:ViaService here; the
      // key belongs to this endpoint alone and the role can only encrypt with it.
      allow(
        new iam.PolicyStatement({
          sid: 'EncryptCapturedData',
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [this.encryptionKey.keyArn],
        }),
      );
    }

    if (vpc) {
      const ec2Arn = (resource: string, resourceName: string) => this.formatArn({ service: 'ec2', resource, resourceName });
      const interfaces = ec2Arn('network-interface', '*');
      const unknownInterfaces =
        'SageMaker creates the network interfaces, so their ids are unknown; they are limited to this account and region.';
      const subnets = vpc.fromParameters ? [ec2Arn('subnet', '*')] : vpc.subnetIds.map((s) => ec2Arn('subnet', s));
      const groups = vpc.fromParameters
        ? [ec2Arn('security-group', '*')]
        : vpc.securityGroupIds.map((g) => ec2Arn('security-group', g));
      allow(
        new iam.PolicyStatement({
          sid: 'CreateNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface'],
          resources: [interfaces, ...subnets, ...groups],
        }),
        vpc.fromParameters
          ? `${unknownInterfaces} The subnet and security group ids come from SSM at deploy time and CloudFormation ` +
              'cannot turn a list parameter into ARNs (Fn::Join delimiters must be literals), so they are limited ' +
              'to this account and region.'
          : `${unknownInterfaces} They are limited to the given subnets and security groups.`,
      );
      allow(
        new iam.PolicyStatement({
          sid: 'ManageNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
          resources: [interfaces],
        }),
        unknownInterfaces,
      );
      allow(
        new iam.PolicyStatement({
          sid: 'DescribeNetwork',
          actions: [
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeVpcs',
            'ec2:DescribeDhcpOptions',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
          ],
          resources: ['*'],
        }),
        'EC2 Describe actions do not support resource-level permissions.',
      );
    }

    const role = new iam.Role(this, 'ExecutionRole', {
      roleName: endpointExecutionRoleName(props.projectName, props.projectId, stageName),
      description: `SageMaker execution role of the endpoint ${endpointName(props.projectName, props.projectId, stageName)}`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      inlinePolicies: { ModelHosting: new iam.PolicyDocument({ statements }) },
    });
    acknowledgeWildcardResources(role, justified);
    return role;
  }

  private createTestRole(props: EndpointStackProps, stageName: string): iam.Role {
    const toolingAccount = Arn.split(props.testPrincipalArn, ArnFormat.SLASH_RESOURCE_NAME).account;
    if (toolingAccount === undefined) {
      throw new Error(`testPrincipalArn: got '${props.testPrincipalArn}'; expected an IAM role ARN.`);
    }
    const name = endpointName(props.projectName, props.projectId, stageName);
    return new iam.Role(this, 'EndpointTestRole', {
      roleName: endpointTestRoleName(props.projectName, props.projectId, stageName),
      description: `Assumed by the staging test to describe and invoke the endpoint ${name}`,
      // The account principal with aws:PrincipalArn trusts that one role, and unlike a role principal it
      // does not break when the role is recreated.
      assumedBy: new iam.AccountPrincipal(toolingAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': props.testPrincipalArn },
      }),
      inlinePolicies: {
        TestEndpoint: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'DescribeAndInvokeEndpoint',
              actions: ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'],
              // SageMaker lowercases names in ARNs: the endpoint's own ARN (its Ref) is the one that matches.
              resources: [this.endpoint.ref],
            }),
            new iam.PolicyStatement({
              sid: 'CheckServedModelPackage',
              // The staging test follows DescribeEndpoint -> DescribeEndpointConfig -> DescribeModel to check
              // that the endpoint serves the model package of the build. Ref of both is their ARN
              // (CloudFormation template reference, AWS::SageMaker::EndpointConfig and AWS::SageMaker::Model
              // return values), so the grant follows each replacement.
              actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
              resources: [this.endpointConfig.ref, this.model.ref],
            }),
          ],
        }),
      },
    });
  }

  private createRollbackAlarms(guard: EndpointGuardrailOptions, name: string, variantName: string): void {
    const dimensionsMap = { EndpointName: name, VariantName: variantName };
    const rollsBack = `Rolls back an update of ${name} when`;
    // Control Tower (CT.CLOUDWATCH.PR.1) requires an alarm action; the topic lets operators learn of a rollback.
    this.rollbackAlarmTopic = new sns.Topic(this, 'RollbackAlarmTopic', {
      displayName: `Rollbacks of ${name}`,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    // CloudWatch publishes to an SSE-KMS topic with its own service principal, so the key must let it ("Enable
    // compatibility between event sources from AWS services and encrypted topics", Amazon SNS Developer Guide,
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services). The key
    // policy cannot name the alarms (alarm -> topic -> key -> alarm would be circular), so it is limited to this account.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToRollbackTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy, "*" is the key itself.
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const action = new cloudwatchActions.SnsAction(this.rollbackAlarmTopic);
    const alarm = (alarmId: string, metricName: string, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SageMaker',
          metricName,
          dimensionsMap,
          statistic: cloudwatch.Stats.AVERAGE,
          period: Duration.minutes(1),
        }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // No traffic is no evidence against the new fleet.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.rollbackAlarms.push(created);
    };
    if (guard.alarms.max5xxErrorRate !== undefined) {
      // Invocation5XXErrors is 1 or 0 per invocation, so its average is the error rate.
      const rate = guard.alarms.max5xxErrorRate;
      alarm('Invocation5XXErrorsAlarm', 'Invocation5XXErrors', rate, `${rollsBack} more than ${rate * 100}% of invocations fail with 5XX`);
    }
    if (guard.alarms.maxModelLatencyMs !== undefined) {
      // ModelLatency is reported in microseconds.
      const ms = guard.alarms.maxModelLatencyMs;
      alarm('ModelLatencyAlarm', 'ModelLatency', ms * 1000, `${rollsBack} the average model latency exceeds ${ms} ms`);
    }
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: allow the alarms explicitly.
    this.rollbackAlarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RollbackAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.rollbackAlarmTopic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rollbackAlarms.map((a) => a.alarmArn) } },
      }),
    );
  }

  private deploymentConfig(guard: EndpointGuardrailOptions): sagemaker.CfnEndpoint.DeploymentConfigProperty {
    return {
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: {
          type: TRAFFIC_ROUTING_TYPES[guard.mode],
          waitIntervalInSeconds: guard.waitIntervalSeconds,
          canarySize: guard.mode === 'canary' ? { type: 'CAPACITY_PERCENT', value: guard.canaryPercent ?? 10 } : undefined,
          linearStepSize:
            guard.mode === 'linear' ? { type: 'CAPACITY_PERCENT', value: guard.linearStepPercent ?? 20 } : undefined,
        },
        terminationWaitInSeconds: guard.terminationWaitSeconds,
        maximumExecutionTimeoutInSeconds: guard.maximumExecutionTimeoutSeconds,
      },
      autoRollbackConfiguration: { alarms: this.rollbackAlarms.map((a) => ({ alarmName: a.alarmName })) },
    };
  }

  private addAutoscaling(scaling: EndpointAutoscalingOptions, variantName: string): void {
    // Without RoleARN, Application Auto Scaling uses its SageMaker service-linked role.
    const target = new appscaling.CfnScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: `endpoint/${this.endpoint.attrEndpointName}/variant/${variantName}`,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
    });
    new appscaling.CfnScalingPolicy(this, 'InvocationsScalingPolicy', {
      policyName: 'InvocationsPerInstance',
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        scaleInCooldown: scaling.scaleInCooldownSeconds,
        scaleOutCooldown: scaling.scaleOutCooldownSeconds,
      },
    });
  }
}
