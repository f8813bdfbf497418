import { HANDLER_PERMISSIONS, handlerPermissionGaps, type ResourceLike } from '@sagemaker-mlops/config';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, launchRoleStatements, REQUIRED, synth, templates } from './fixtures';

/**
 * Handler permissions of the product's resource types that the launch role deliberately lacks (beyond the
 * exclusions every policy shares, HANDLER_PERMISSION_EXCLUSIONS of @sagemaker-mlops/config): each is an update
 * path the product template never takes, and granting it would let a launch do more than the template needs.
 */
const DELIBERATE_GAPS: Record<string, readonly string[]> = {
  // Project roles keep their permissions boundary; removing one is an escalation path.
  'AWS::IAM::Role': ['iam:DeleteRolePermissionsBoundary'],
};
/** Only with CodeCommit repositories (repository_type codecommit). */
const DELIBERATE_CODECOMMIT_GAPS: Record<string, readonly string[]> = {
  // The repositories are named after the project, which a project update never renames.
  'AWS::CodeCommit::Repository': ['codecommit:UpdateRepositoryName'],
};

const CASES = [
  { name: 'CodeCommit repositories', parameters: REQUIRED, gaps: { ...DELIBERATE_GAPS, ...DELIBERATE_CODECOMMIT_GAPS } },
  { name: 'CodeConnections repositories', parameters: { ...REQUIRED, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN }, gaps: DELIBERATE_GAPS },
];

function launch(parameters: Record<string, unknown>) {
  const { stack } = synth(parameters);
  const { module, product } = templates(stack);
  const statements = launchRoleStatements(stack, module);
  const resources = Object.values(product.toJSON().Resources as Record<string, ResourceLike>);
  return { policy: { Statement: statements }, resources };
}

describe('the launch role allows what CloudFormation calls to launch, update and terminate a project (published handler permissions)', () => {
  for (const { name, parameters, gaps } of CASES) {
    describe(name, () => {
      const { policy, resources } = launch(parameters);

      it('every create, update and delete handler permission of the product resources is an action of the launch role, but the deliberate gaps (actions only: resource ARNs and conditions are checked by the launch role tests of module-stack.test.ts)', () => {
        expect(policy.Statement.length).toBeGreaterThan(0);
        const { missing } = handlerPermissionGaps(resources, policy);
        expect(missing).toEqual(gaps);
      });

      it('has handler data for every product resource type but AWS::CodeBuild::Project, whose registry schema publishes none (its actions come from CFN_RESOURCE_ACTIONS, checked in prerequisites.test.ts)', () => {
        const types = [...new Set(resources.map((r) => r.Type))];
        expect(types).toContain('AWS::CodePipeline::Pipeline');
        expect(handlerPermissionGaps(resources, policy).withoutHandlers).toEqual(['AWS::CodeBuild::Project']);
        for (const type of types.filter((t) => t !== 'AWS::CodeBuild::Project')) expect(HANDLER_PERMISSIONS[type]?.handlers, type).toBeDefined();
      });

      it('sets none of the features whose handler permissions are excluded for the launch role: no inline policies of users or groups, no managed policies, no ACLs or notifications', () => {
        for (const { Type, Properties = {} } of resources) {
          if (Type === 'AWS::IAM::Policy') expect([Properties.Users, Properties.Groups]).toEqual([undefined, undefined]);
          if (Type === 'AWS::IAM::Role') expect(Properties.ManagedPolicyArns).toBeUndefined();
          if (Type === 'AWS::S3::Bucket') expect([Properties.AccessControl, Properties.NotificationConfiguration]).toEqual([undefined, undefined]);
          if (Type === 'AWS::CodePipeline::Pipeline') expect(Properties.RestartExecutionOnUpdate).not.toBe(true);
        }
      });
    });
  }
});
