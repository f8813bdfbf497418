import { Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeGrantWildcards, nagNotation, nagReferencePrefix, onlyResourcesOf } from '@sagemaker-mlops/constructs';

/** Acknowledges AwsSolutions-IAM5 on the role's default policy for exactly these resources, one finding each. */
export function acknowledgeResources(role: iam.Role, resources: string[], reason: string): void {
  const stack = Stack.of(role);
  const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
  for (const resource of new Set(resources.map((r) => nagNotation(stack.resolve(r))))) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}

/** Acknowledges CodeBuild's own grant on the log streams and report groups of each project, whose names CodeBuild derives. */
export function acknowledgeCodeBuildGrants(projects: codebuild.PipelineProject[]): void {
  if (projects.length === 0) return;
  const refs = projects.flatMap((p) => [`:log-group:/aws/codebuild/${nagReferencePrefix(p)}>`, `:report-group/${nagReferencePrefix(p)}>-`]);
  acknowledgeGrantWildcards(Stack.of(projects[0]), [
    { covers: onlyResourcesOf(...refs), reason: "CodeBuild's own grant: the log streams and report groups of this one project, whose names CodeBuild derives." },
  ]);
}
