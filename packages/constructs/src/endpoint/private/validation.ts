import { Token } from 'aws-cdk-lib';
import type { EndpointStackProps } from '../endpoint-stack';
import {
  endpointExecutionRoleName,
  endpointName,
  endpointTestRoleName,
  MAX_ENDPOINT_NAME_LENGTH,
  MAX_ROLE_NAME_LENGTH,
} from '../names';

/** The SageMaker name pattern shared by endpoints and variants: letters, digits, single or repeated hyphens inside. */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

const ACCOUNT_ID = /^\d{12}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/;
const IAM_ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/([\x21-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
const SSM_PARAMETER_NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SHORTEN = 'shorten the project name, the project id or the stage name';

/** Guardrail modes that shift part of the fleet before the rest. */
export const SHIFTING_MODES: readonly string[] = ['canary', 'linear'];
/** Fewest instances a variant needs for a canary or linear guardrail (each step is at most 50% of the fleet). */
export const MIN_SHIFTING_INSTANCES = 2;

/** Literal values are checked; a token is taken on trust, since its value is only known at deploy time. */
function literal(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

function isInteger(value: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);
}

/**
 * Every problem with the props of an `EndpointStack`, each naming the prop, the value received and what is
 * expected. Empty when the props are usable.
 */
export function endpointStackPropsProblems(props: EndpointStackProps): string[] {
  const problems: string[] = [];
  const add = (prop: string, value: unknown, expected: string) =>
    problems.push(`${prop}: got ${JSON.stringify(value)}; ${expected}.`);

  if (props.synthesizer !== undefined) {
    add(
      'synthesizer',
      props.synthesizer.constructor.name,
      'leave it unset: the template must deploy without CDK bootstrap resources',
    );
  }
  if (literal(props.env?.account) || literal(props.env?.region)) {
    add(
      'env',
      props.env,
      'leave it unset: one template is deployed to every stage account and region, so it must be environment-agnostic',
    );
  }

  for (const [prop, value] of [
    ['projectName', props.projectName],
    ['projectId', props.projectId],
  ] as const) {
    if (literal(value) && !SAGEMAKER_NAME.test(value)) {
      add(prop, value, 'expected letters and digits separated by hyphens, as endpoint names allow');
    }
  }

  if (props.stageNames.length === 0) {
    add('stageNames', props.stageNames, 'give every stage name the template will be deployed with');
  }
  for (const stage of props.stageNames) {
    if (!SAGEMAKER_NAME.test(stage)) add('stageNames', stage, 'expected letters and digits separated by hyphens');
  }
  if (new Set(props.stageNames).size !== props.stageNames.length) {
    add('stageNames', props.stageNames, 'stage names must be unique');
  }

  if (literal(props.projectName) && literal(props.projectId) && props.stageNames.length > 0) {
    const longest = props.stageNames.reduce((a, b) => (b.length > a.length ? b : a));
    const name = endpointName(props.projectName, props.projectId, longest);
    if (name.length > MAX_ENDPOINT_NAME_LENGTH) {
      add(
        'projectName/projectId/stageNames',
        name,
        `the endpoint name of stage '${longest}' has ${name.length} characters, at most ` +
          `${MAX_ENDPOINT_NAME_LENGTH} are allowed: ${SHORTEN}`,
      );
    }
    for (const roleName of [
      endpointTestRoleName(props.projectName, props.projectId, longest),
      endpointExecutionRoleName(props.projectName, props.projectId, longest),
    ]) {
      if (roleName.length > MAX_ROLE_NAME_LENGTH) {
        add(
          'projectName/projectId/stageNames',
          roleName,
          `the role name of stage '${longest}' has ${roleName.length} characters, at most ` +
            `${MAX_ROLE_NAME_LENGTH} are allowed: ${SHORTEN}`,
        );
      }
    }
  }

  if (literal(props.modelRegistryAccount) && !ACCOUNT_ID.test(props.modelRegistryAccount)) {
    add('modelRegistryAccount', props.modelRegistryAccount, 'expected a 12-digit account id');
  }
  if (literal(props.modelArtifactBucketName) && !BUCKET_NAME.test(props.modelArtifactBucketName)) {
    add('modelArtifactBucketName', props.modelArtifactBucketName, 'expected an S3 bucket name (not an ARN or s3:// URI)');
  }
  if (literal(props.modelArtifactKeyArn) && !KMS_KEY_ARN.test(props.modelArtifactKeyArn)) {
    add(
      'modelArtifactKeyArn',
      props.modelArtifactKeyArn,
      'expected a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias',
    );
  }
  if (literal(props.testPrincipalArn) && !IAM_ROLE_ARN.test(props.testPrincipalArn)) {
    add('testPrincipalArn', props.testPrincipalArn, 'expected an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)');
  }

  const vpc = props.vpc;
  if (vpc && 'subnetIds' in vpc && (Token.isUnresolved(vpc.subnetIds) || Token.isUnresolved(vpc.securityGroupIds))) {
    add(
      'vpc.subnetIds/securityGroupIds',
      'a list token',
      'give the ids as a string array, or use subnetIdsParameterName and securityGroupIdsParameterName',
    );
  } else if (vpc && 'subnetIds' in vpc) {
    if (vpc.subnetIds.length < 1 || vpc.subnetIds.length > 16) {
      add('vpc.subnetIds', vpc.subnetIds, 'SageMaker accepts 1 to 16 subnets (use two in different availability zones)');
    }
    if (vpc.securityGroupIds.length < 1 || vpc.securityGroupIds.length > 5) {
      add('vpc.securityGroupIds', vpc.securityGroupIds, 'SageMaker accepts 1 to 5 security groups');
    }
    for (const id of vpc.subnetIds.filter((i) => literal(i) && !SUBNET_ID.test(i))) {
      add('vpc.subnetIds', id, 'expected a subnet id');
    }
    for (const id of vpc.securityGroupIds.filter((i) => literal(i) && !SECURITY_GROUP_ID.test(i))) {
      add('vpc.securityGroupIds', id, 'expected a security group id');
    }
  } else if (vpc) {
    for (const [prop, value] of [
      ['vpc.subnetIdsParameterName', vpc.subnetIdsParameterName],
      ['vpc.securityGroupIdsParameterName', vpc.securityGroupIdsParameterName],
    ] as const) {
      if (!SSM_PARAMETER_NAME.test(value)) add(prop, value, 'expected an SSM parameter name');
    }
  }

  const capture = props.dataCapture;
  if (capture?.samplingPercentage !== undefined && !isInteger(capture.samplingPercentage, 0, 100)) {
    add('dataCapture.samplingPercentage', capture.samplingPercentage, 'expected a whole number from 0 to 100');
  }

  const scaling = props.autoscaling;
  if (scaling) {
    for (const [prop, value] of [
      ['autoscaling.minCapacity', scaling.minCapacity],
      ['autoscaling.maxCapacity', scaling.maxCapacity],
    ] as const) {
      if (!isInteger(value, 1)) add(prop, value, 'expected a whole number of at least 1');
    }
    if (scaling.minCapacity > scaling.maxCapacity) {
      add('autoscaling.minCapacity', scaling.minCapacity, `it must not exceed autoscaling.maxCapacity (${scaling.maxCapacity})`);
    }
    if (!(scaling.targetInvocationsPerInstance > 0)) {
      add(
        'autoscaling.targetInvocationsPerInstance',
        scaling.targetInvocationsPerInstance,
        'expected a positive number of invocations per instance and minute',
      );
    }
    for (const [prop, value] of [
      ['autoscaling.scaleInCooldownSeconds', scaling.scaleInCooldownSeconds],
      ['autoscaling.scaleOutCooldownSeconds', scaling.scaleOutCooldownSeconds],
    ] as const) {
      if (value !== undefined && !isInteger(value, 0)) add(prop, value, 'expected a whole number of seconds, 0 or more');
    }
  }

  const guard = props.guardrails;
  if (guard) {
    if (!['all-at-once', 'canary', 'linear'].includes(guard.mode)) {
      add('guardrails.mode', guard.mode, "expected 'all-at-once', 'canary' or 'linear'");
    }
    if (!isInteger(guard.waitIntervalSeconds, 0, 3600)) {
      add('guardrails.waitIntervalSeconds', guard.waitIntervalSeconds, 'expected a whole number of seconds from 0 to 3600');
    }
    // SageMaker rejects a canary larger than half of the fleet, and linear steps outside 10-50% of it.
    for (const [prop, value, mode, min] of [
      ['guardrails.canaryPercent', guard.canaryPercent, 'canary', 1],
      ['guardrails.linearStepPercent', guard.linearStepPercent, 'linear', 10],
    ] as const) {
      if (value === undefined) continue;
      if (guard.mode !== mode) add(prop, value, `it only applies to mode '${mode}'`);
      else if (!isInteger(value, min, 50)) add(prop, value, `expected a whole percentage from ${min} to 50`);
    }
    // The canary must be at most 50% of the variant's instance count, and a linear step 10-50% of it
    // (TrafficRoutingConfig, Amazon SageMaker API Reference,
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html): a single instance has
    // no valid canary or step, so a fleet that may shrink to one instance cannot use these modes.
    if (SHIFTING_MODES.includes(guard.mode) && scaling && isInteger(scaling.minCapacity, 1) && scaling.minCapacity < MIN_SHIFTING_INSTANCES) {
      add(
        'autoscaling.minCapacity',
        scaling.minCapacity,
        `guardrails.mode '${guard.mode}' shifts part of the fleet first, and SageMaker needs at least ` +
          `${MIN_SHIFTING_INSTANCES} instances for that (the canary or a linear step must be at most 50% of the variant's ` +
          "instances): set minCapacity to 2 or more, or use mode 'all-at-once'",
      );
    }
    if (guard.terminationWaitSeconds !== undefined && !isInteger(guard.terminationWaitSeconds, 0, 3600)) {
      add('guardrails.terminationWaitSeconds', guard.terminationWaitSeconds, 'expected a whole number of seconds from 0 to 3600');
    }
    const timeout = guard.maximumExecutionTimeoutSeconds;
    if (timeout !== undefined) {
      const waits = guard.waitIntervalSeconds + (guard.terminationWaitSeconds ?? 0);
      if (!isInteger(timeout, 600, 28800)) {
        add('guardrails.maximumExecutionTimeoutSeconds', timeout, 'expected a whole number of seconds from 600 to 28800');
      } else if (timeout <= waits) {
        add(
          'guardrails.maximumExecutionTimeoutSeconds',
          timeout,
          `it must exceed waitIntervalSeconds + terminationWaitSeconds (${waits})`,
        );
      }
    }
    const alarms = guard.alarms ?? {};
    if (alarms.max5xxErrorRate === undefined && alarms.maxModelLatencyMs === undefined) {
      add(
        'guardrails.alarms',
        guard.alarms,
        'a guardrail needs at least one alarm to roll back on: set max5xxErrorRate and/or maxModelLatencyMs',
      );
    }
    if (alarms.max5xxErrorRate !== undefined && !(alarms.max5xxErrorRate > 0 && alarms.max5xxErrorRate <= 1)) {
      add(
        'guardrails.alarms.max5xxErrorRate',
        alarms.max5xxErrorRate,
        'expected a fraction of invocations above 0 and at most 1 (0.05 = 5%)',
      );
    }
    if (alarms.maxModelLatencyMs !== undefined && !(alarms.maxModelLatencyMs > 0)) {
      add('guardrails.alarms.maxModelLatencyMs', alarms.maxModelLatencyMs, 'expected a positive number of milliseconds');
    }
  }

  for (const family of props.instanceStorageFamilies ?? []) {
    if (!/^[a-z][a-z0-9-]*$/.test(family)) {
      add('instanceStorageFamilies', family, "expected an instance family such as 'g5' (without 'ml.' and size)");
    }
  }
  return problems;
}
