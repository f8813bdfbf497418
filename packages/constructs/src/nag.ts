import {
  Aspects,
  CfnResource,
  IAspect,
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The text cdk-nag uses for a CloudFormation value inside a finding id:
 * `{ 'Fn::GetAtt': ['Bucket', 'Arn'] }` is `<Bucket.Arn>`, `{ Ref: 'AWS::Partition' }` is
 * `<AWS::Partition>`, and a `Fn::Join` is its parts in order.
 */
export function nagNotation(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if ('Ref' in v) return `<${v.Ref}>`;
    if ('Fn::GetAtt' in v) return `<${v['Fn::GetAtt'].join('.')}>`;
    if ('Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(nagNotation).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}

export interface GrantAcknowledgement {
  /** Whether a statement is one this acknowledgement covers, given its resolved resources. */
  readonly covers: (resources: string[]) => boolean;
  /** Why its wildcards are acceptable. */
  readonly reason: string;
}

/**
 * Acknowledges the AwsSolutions-IAM5 findings of statements that CDK grants generate (e.g. a
 * pipeline's access to its own artifact bucket and key), one finding id on one policy at a time.
 * Only statements whose every resource is covered are touched, so a wildcard that anything else
 * adds still fails the build. It runs as an aspect, so grants added later are seen too.
 */
export function acknowledgeGrantWildcards(scope: IConstruct, acknowledgements: GrantAcknowledgement[]): void {
  Aspects.of(scope).add(new GrantWildcardAcknowledger(acknowledgements));
}

class GrantWildcardAcknowledger implements IAspect {
  constructor(private readonly acknowledgements: GrantAcknowledgement[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::IAM::Policy') return;
    const document = Stack.of(node).resolve((node as iam.CfnPolicy).policyDocument);
    const findings = new Map<string, string>();
    for (const statement of document?.Statement ?? []) {
      const resources = ([] as unknown[]).concat(statement.Resource ?? []).map(nagNotation);
      const ack = this.acknowledgements.find((a) => a.covers(resources));
      if (!ack || statement.Effect !== 'Allow') continue;
      for (const action of ([] as string[]).concat(statement.Action ?? [])) {
        if (action.includes('*')) findings.set(`AwsSolutions-IAM5[Action::${action}]`, ack.reason);
      }
      for (const resource of resources) {
        if (resource.includes('*')) findings.set(`AwsSolutions-IAM5[Resource::${resource}]`, ack.reason);
      }
    }
    for (const [id, reason] of findings) Validations.of(node).acknowledge({ id, reason });
  }
}

/**
 * How cdk-nag refers to a construct's resource inside a finding id, without the closing attribute:
 * `<Bucket83908E77` (followed by `>` or `.Arn>`), or the literal ARN of an imported resource.
 */
export function nagReferencePrefix(construct: IConstruct, importedArn?: string): string {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (resource instanceof CfnResource) return `<${Stack.of(construct).getLogicalId(resource)}`;
  if (importedArn === undefined) throw new Error(`${construct.node.path} has no CloudFormation resource: pass its ARN`);
  return nagNotation(Stack.of(construct).resolve(importedArn));
}

/**
 * Acknowledges the wildcards of the grants CDK generates for a pipeline on its own artifact bucket
 * and artifact key (pipeline role and action roles).
 */
export function acknowledgePipelineArtifactGrants(pipeline: codepipeline.Pipeline): void {
  const refs = [nagReferencePrefix(pipeline.artifactBucket, pipeline.artifactBucket.bucketArn)];
  const key = pipeline.artifactBucket.encryptionKey;
  if (key) refs.push(nagReferencePrefix(key, key.keyArn));
  // The project roles of CodeBuild actions receive these grants too, so look at the whole stack.
  acknowledgeGrantWildcards(Stack.of(pipeline), [
    {
      covers: onlyResourcesOf(...refs),
      reason: "CodePipeline's generated grants on the pipeline's own artifact bucket and key: actions read and write each execution's artifacts.",
    },
  ]);
}

/** Whether every resource refers to one of the given CloudFormation logical ids or literal prefixes. */
export function onlyResourcesOf(...references: string[]): (resources: string[]) => boolean {
  return (resources) => resources.length > 0 && resources.every((r) => references.some((ref) => r.includes(ref)));
}

/**
 * The policy-validation plugin name of `@cdklabs/cdk-validator-cfnguard` (`CfnGuardValidator.name`): the
 * namespace of its finding ids, `cdk-validator-cfnguard::<guard rule name>`, and its `pluginName` in
 * the cloud assembly's validation report.
 */
export const GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/**
 * The AWS Control Tower proactive controls this repository acknowledges somewhere, by control id, with the
 * name of the cfn-guard rule that implements each in `@cdklabs/cdk-validator-cfnguard` (the plugin
 * reports that rule name, not the control id). A test checks every pair against the plugin's rule files.
 */
export const CONTROL_TOWER_RULES = {
  /** Require an Amazon S3 bucket to have server access logging configured. */
  'CT.S3.PR.2': 's3_bucket_logging_enabled_check',
  /** Require an Amazon S3 bucket to have S3 event notifications activated. */
  'CT.S3.PR.4': 's3_event_notifications_enabled_check',
  /** Require an Amazon S3 bucket to have S3 Object Lock activated. */
  'CT.S3.PR.9': 's3_bucket_object_lock_enabled_check',
  /** Require an Amazon S3 bucket to be encrypted with an AWS KMS key. */
  'CT.S3.PR.10': 's3_bucket_default_encryption_kms_check',
  /** Require an AWS Lambda function to be in a customer-managed VPC. */
  'CT.LAMBDA.PR.3': 'lambda_inside_vpc_check',
  /** Require an Amazon SQS queue to have a dead-letter queue. */
  'CT.SQS.PR.1': 'sqs_dlq_check',
} as const;

/** A Control Tower control id this repository may acknowledge. */
export type ControlTowerControl = keyof typeof CONTROL_TOWER_RULES;

/** The finding id of a Control Tower control, as `Validations.of(...).acknowledge` expects it. */
export function controlFindingId(control: ControlTowerControl): string {
  return `${GUARD_PLUGIN_NAME}::${CONTROL_TOWER_RULES[control]}`;
}

/**
 * Acknowledges one AWS Control Tower proactive control (as checked by `@cdklabs/cdk-validator-cfnguard`) on
 * exactly one CloudFormation resource: `resource` itself when it is one, else its default child. CDK matches
 * an acknowledgement to the closest acknowledged ancestor of the violating resource, so acknowledging the
 * resource (never a construct that holds several) keeps the finding alive for every other resource.
 *
 * @throws Error when `resource` is not a CloudFormation resource and has no default child that is one.
 */
export function acknowledgeControl(resource: IConstruct, control: ControlTowerControl, reason: string): void {
  const cfn = resource instanceof CfnResource ? resource : resource.node.defaultChild;
  if (!(cfn instanceof CfnResource)) {
    throw new Error(`acknowledgeControl(${control}): ${resource.node.path} is not a CloudFormation resource and has no default child that is one.`);
  }
  Validations.of(cfn).acknowledge({ id: controlFindingId(control), reason });
}

/**
 * Wraps a policy-validation plugin so that every violation it reports without a severity is an `error`.
 *
 * Why: once CDK suppresses one acknowledged violation of a plugin's report, it recomputes the report's
 * success as "no violation of severity error or fatal" (aws-cdk-lib core/lib/private/synthesis-validation.js,
 * `collectSuppressions`). `@cdklabs/cdk-validator-cfnguard` sets no severity, so a single acknowledgement
 * would turn every other open Control Tower finding into a pass.
 */
export function failOnEveryViolation(plugin: IPolicyValidationPluginBeta1): IPolicyValidationPluginBeta1 {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
      const report = plugin.validate(context);
      return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
    },
  };
}
