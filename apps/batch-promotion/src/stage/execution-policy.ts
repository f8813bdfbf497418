import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeGrantWildcards, nagNotation } from '@sagemaker-mlops/constructs';
import type { IConstruct } from 'constructs';

/** What a SageMaker pipeline execution role must reach: the jobs of the batch-inference definition and their data. */
export interface PipelineExecutionPolicyProps {
  /** The role itself: the jobs run as it, so it passes itself to SageMaker (and nothing else). */
  readonly roleArn: string;
  /** The bucket the jobs read and write (outputs, model artifacts, the run's code and data uploads). */
  readonly artifactBucketName: string;
  /** The key of that bucket, and of the job volumes and outputs. */
  readonly artifactKeyArn: string;
  /**
   * A bucket (of the dev account) the jobs only read under `releases/`: the promoted code.
   *
   * @default - none (dev: the code is in the artifact bucket)
   */
  readonly release?: { readonly bucketName: string; readonly account: string; readonly region: string };
  /**
   * Buckets the jobs read input from besides the artifact bucket (InputDataUrl, BatchDataUrl).
   *
   * @default - none
   */
  readonly dataBucketNames?: string[];
  /** The model package group versions are registered in. */
  readonly modelPackageGroupName: string;
  /**
   * Whether the jobs run in a VPC (they then manage their network interfaces): ids, or list tokens that
   * CloudFormation resolves at deploy time (SSM parameter types).
   *
   * @default - no VPC
   */
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
}

/** A statement and, when its resources hold wildcards, why they cannot be narrower. */
export interface ReasonedStatement {
  readonly statement: iam.PolicyStatement;
  readonly wildcardReason?: string;
}

const JOB_KINDS = ['processing-job', 'training-job', 'transform-job'] as const;

/**
 * The statements of a SageMaker pipeline execution role for the batch-inference definition: create, describe and
 * stop its processing, training and transform jobs, create its model, register versions in one model package
 * group, read and write one artifact bucket and its key, read the promoted code and the input data, write the jobs'
 * logs and metrics, and pass itself to SageMaker. Not the reference's AmazonSageMakerFullAccess + CloudWatchFullAccess.
 *
 * SageMaker Pipelines calls the job APIs with the pipeline's role ("SageMaker Pipelines IAM access management",
 * Amazon SageMaker AI Developer Guide), and tags each job with the execution, hence AddTags on the same resources.
 */
export function pipelineExecutionStatements(scope: IConstruct, props: PipelineExecutionPolicyProps): ReasonedStatement[] {
  const stack = Stack.of(scope);
  const sagemakerArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
  const bucketArn = (name: string) => stack.formatArn({ service: 's3', region: '', account: '', resource: name });
  const statements: ReasonedStatement[] = [];
  const jobsWildcard = 'SageMaker Pipelines names every job of every execution itself; the jobs are limited to their kind in this account and region.';

  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'RunPipelineJobs',
      actions: [
        'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob',
        'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob',
        'sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob',
        'sagemaker:AddTags',
      ],
      resources: JOB_KINDS.map((kind) => sagemakerArn(kind, '*')),
    }),
    wildcardReason: jobsWildcard,
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'CreatePipelineModels',
      actions: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
      resources: [sagemakerArn('model', '*')],
    }),
    wildcardReason: 'The CreateModel step names its model per execution; models are limited to this account and region.',
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'RegisterModelVersions',
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:AddTags'],
      resources: [sagemakerArn('model-package-group', props.modelPackageGroupName), sagemakerArn('model-package', `${props.modelPackageGroupName}/*`)],
    }),
    wildcardReason: 'Every version of the one model package group: each execution registers a new version.',
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'PassRoleToSageMakerJobs',
      actions: ['iam:PassRole'],
      resources: [props.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'ReadWriteArtifacts',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListBucket', 's3:GetBucketLocation'],
      resources: [bucketArn(props.artifactBucketName), `${bucketArn(props.artifactBucketName)}/*`],
    }),
    wildcardReason: 'Job outputs are keyed by pipeline execution and step; access is limited to the one artifact bucket.',
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'UseArtifactKey',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*', 'kms:DescribeKey', 'kms:CreateGrant'],
      resources: [props.artifactKeyArn],
    }),
    wildcardReason: 'kms:ReEncrypt* names ReEncryptFrom and ReEncryptTo of the one artifact key, which job volumes and outputs use.',
  });
  if (props.release) {
    const release = props.release;
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'ReadPromotedCode',
        actions: ['s3:GetObject'],
        // Only the code: CloudFormation's role, not this one, reads the definition when the stack deploys.
        resources: [`${bucketArn(release.bucketName)}/releases/code/*`],
        conditions: { StringEquals: { 's3:ResourceAccount': release.account } },
      }),
      wildcardReason: 'Released code is keyed by content hash; reads are limited to the releases/code prefix of the dev bucket.',
    });
    const devKeys = `arn:${stack.partition}:kms:${release.region}:${release.account}:key/*`;
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'DecryptPromotedCodeViaS3',
        actions: ['kms:Decrypt'],
        resources: [devKeys],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${release.region}.${stack.urlSuffix}` } },
      }),
      wildcardReason:
        "The dev bucket's key is created with the dev module after this template is synthesized, so its id is unknown here; " +
        "decryption is limited to S3 in the dev account's region, and that key's policy names this role.",
    });
  }
  const dataBuckets = [...new Set(props.dataBucketNames ?? [])];
  if (dataBuckets.length > 0) {
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'ReadInputData',
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: dataBuckets.flatMap((b) => [bucketArn(b), `${bucketArn(b)}/*`]),
      }),
      wildcardReason: 'InputDataUrl and BatchDataUrl name a prefix whose objects change with the data; reads are limited to their buckets.',
    });
  }
  const logGroups = ['ProcessingJobs', 'TrainingJobs', 'TransformJobs'].map((kind) =>
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${kind}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
  );
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'WriteJobLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [...logGroups, ...logGroups.map((g) => `${g}:log-stream:*`)],
    }),
    wildcardReason: 'SageMaker names a log stream per job and instance; writes are limited to the log groups of the three job kinds.',
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'PublishJobMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } },
    }),
    wildcardReason: 'cloudwatch:PutMetricData does not support resource-level permissions; it is limited to the SageMaker namespaces.',
  });
  statements.push({
    statement: new iam.PolicyStatement({ sid: 'AuthorizeImagePulls', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    wildcardReason: 'ecr:GetAuthorizationToken does not support resource-level permissions.',
  });
  // The EC2 actions of "CreateTrainingJob API: Execution Role Permissions" (How to use SageMaker AI execution roles,
  // Amazon SageMaker AI Developer Guide), needed only when the jobs run in a VPC.
  if (props.vpc) {
    const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
    const interfaces = ec2Arn('network-interface', '*');
    const why = 'SageMaker creates the network interfaces of each job, so their ids are unknown; they are limited to this account and region.';
    // CreateNetworkInterface is authorized on the interface and on its subnet and security groups ("Actions,
    // resources, and condition keys for Amazon EC2", Service Authorization Reference): the interfaces in one
    // statement, the configured subnets and groups exactly in another.
    statements.push({
      statement: new iam.PolicyStatement({ sid: 'CreateNetworkInterfaces', actions: ['ec2:CreateNetworkInterface'], resources: [interfaces] }),
      wildcardReason: why,
    });
    const resolvedAtDeploy = Token.isUnresolved(props.vpc.subnetIds) || Token.isUnresolved(props.vpc.securityGroupIds);
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'CreateNetworkInterfacesInTheVpc',
        actions: ['ec2:CreateNetworkInterface'],
        resources: vpcArns(stack, props.vpc),
      }),
      wildcardReason: resolvedAtDeploy
        ? 'The subnet and security group ids are resolved from SSM when the stack deploys; CloudFormation cannot build their ARNs with computed partition, region and account, so only the ids are exact.'
        : undefined,
    });
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'ManageNetworkInterfaces',
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
        resources: [interfaces],
      }),
      wildcardReason: why,
    });
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'DescribeNetwork',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
        resources: ['*'],
      }),
      wildcardReason: 'EC2 Describe actions do not support resource-level permissions.',
    });
  }
  return statements;
}

/**
 * The ARNs of the configured subnets and security groups. Ids given as a list token (an SSM-typed template
 * parameter, resolved at deploy time) cannot be mapped at synth time, and Fn::Join's delimiter must be a literal
 * ("Fn::Join", AWS CloudFormation Template Reference), so their ARNs are `arn:*:ec2:*:*:subnet/<id>`:
 * Fn::Split(",", Fn::Join("", ["arn:*:ec2:*:*:subnet/", Fn::Join(",arn:*:ec2:*:*:subnet/", ids), ...])). The ids are
 * exact; the account is left open, which a subnet shared through AWS RAM (owned by another account) needs anyway.
 */
function vpcArns(stack: Stack, vpc: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] }): string[] {
  const literal = !Token.isUnresolved(vpc.subnetIds) && !Token.isUnresolved(vpc.securityGroupIds);
  if (literal) {
    const arn = (resource: string, id: string) => stack.formatArn({ service: 'ec2', resource, resourceName: id });
    return [...vpc.subnetIds.map((id) => arn('subnet', id)), ...vpc.securityGroupIds.map((id) => arn('security-group', id))];
  }
  const arns = (resource: string, ids: readonly string[]) => {
    const prefix = `arn:*:ec2:*:*:${resource}/`;
    return Token.isUnresolved(ids) ? Fn.join('', [prefix, Fn.join(`,${prefix}`, [...ids])]) : ids.map((id) => `${prefix}${id}`).join(',');
  };
  return Fn.split(',', Fn.join(',', [arns('subnet', vpc.subnetIds), arns('security-group', vpc.securityGroupIds)]));
}

/**
 * Acknowledges the wildcard findings of each reasoned statement on the policy that holds it, statement by statement
 * (a statement's resources may be one list token, e.g. Fn::Split over deploy-time values: resolved as a whole).
 */
export function acknowledgeStatements(scope: IConstruct, statements: readonly ReasonedStatement[]): void {
  const stack = Stack.of(scope);
  acknowledgeGrantWildcards(
    stack,
    statements
      .filter((s) => s.wildcardReason)
      .map(({ statement, wildcardReason }) => {
        const resolved: unknown = stack.resolve(statement.resources);
        const expected = (Array.isArray(resolved) ? resolved : [resolved]).map(nagNotation);
        return {
          covers: (resources: string[]) => resources.length === expected.length && resources.every((r) => expected.includes(r)),
          reason: wildcardReason!,
        };
      }),
  );
}
