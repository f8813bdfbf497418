import { Aspects, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
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
