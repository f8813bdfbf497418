import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_POLICIES,
  BOOTSTRAP_POLICY_KINDS,
  BOOTSTRAP_POLICY_TYPES,
  deployRoleSsmReadStep,
  executionPolicyDocument,
  executionPolicyGaps,
  formatPrerequisites,
  printPrerequisites,
  resourceTypesOf,
} from '../src';

const REPO = path.join(__dirname, '..', '..', '..');

describe('formatPrerequisites', () => {
  it('prints per account and region the policy to create, the cdk bootstrap command and the manual steps, merging entries', () => {
    const text = formatPrerequisites({
      app: 'endpoint-deploy',
      stackName: 'mlops-dev-deploy',
      accounts: [
        { account: '210478935612', region: 'eu-west-1', role: 'tooling (this module)', bootstrap: { executionPolicies: ['module'], qualifier: 'abc' } },
        { account: '405631298720', region: 'eu-west-1', role: 'staging', bootstrap: { trust: ['210478935612'], executionPolicies: ['endpoint'], qualifier: 'abc' }, steps: ['share the images'] },
        { account: '405631298720', region: 'eu-west-1', role: 'build', bootstrap: { trust: ['210478935612'], executionPolicies: ['model-cicd-build-account'] } },
        { account: '405631298720', region: 'us-east-1', role: 'prod', bootstrap: { trust: ['210478935612'], executionPolicies: ['endpoint'] } },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Prerequisites of endpoint-deploy module mlops-dev-deploy, once per account and region before the first deploy:',
      '',
      'account 210478935612, eu-west-1: tooling (this module)',
      `  1. aws iam create-policy --policy-name sagemaker-mlops-module-cfn-exec --policy-document file://docs/bootstrap/module-execution-policy.json   # once per account: ${BOOTSTRAP_POLICIES.module.purpose}`,
      '  2. cdk bootstrap aws://210478935612/eu-west-1 --cloudformation-execution-policies arn:aws:iam::210478935612:policy/sagemaker-mlops-module-cfn-exec --qualifier abc',
      '',
      'account 405631298720, eu-west-1: staging; build',
      `  1. aws iam create-policy --policy-name sagemaker-mlops-endpoint-cfn-exec --policy-document file://docs/bootstrap/endpoint-execution-policy.json   # once per account: ${BOOTSTRAP_POLICIES.endpoint.purpose}`,
      `  2. aws iam create-policy --policy-name sagemaker-mlops-model-cicd-build-cfn-exec --policy-document file://docs/bootstrap/model-cicd-build-account-execution-policy.json   # once per account: ${BOOTSTRAP_POLICIES['model-cicd-build-account'].purpose}`,
      '  3. cdk bootstrap aws://405631298720/eu-west-1 --trust 210478935612 --cloudformation-execution-policies arn:aws:iam::405631298720:policy/sagemaker-mlops-endpoint-cfn-exec,arn:aws:iam::405631298720:policy/sagemaker-mlops-model-cicd-build-cfn-exec --qualifier abc',
      '  4. share the images',
      '',
      'account 405631298720, us-east-1: prod',
      // IAM is global: the policy exists already.
      '  1. cdk bootstrap aws://405631298720/us-east-1 --trust 210478935612 --cloudformation-execution-policies arn:aws:iam::405631298720:policy/sagemaker-mlops-endpoint-cfn-exec',
      '',
    ]);
  });

  it('names the policy ARN in the partition of the region', () => {
    const text = formatPrerequisites({ app: 'promote', stackName: 's', accounts: [{ account: '210478935612', region: 'cn-north-1', role: 'target', bootstrap: { executionPolicies: ['module'] } }] });
    expect(text).toContain('arn:aws-cn:iam::210478935612:policy/sagemaker-mlops-module-cfn-exec');
  });

  it("lets the CDK deploy role read the template's SSM parameters: the role of the qualifier, one ARN per name, in the region's partition", () => {
    const step = deployRoleSsmReadStep('210478935612', 'cn-north-1', ['/network/subnets', '/network/sgs', '/network/subnets'], 'custom123');
    const [command, why] = step.split('   # ');
    expect(command).toMatch(/^aws iam put-role-policy --role-name cdk-custom123-deploy-role-210478935612-cn-north-1 --policy-name sagemaker-mlops-read-vpc-parameters --policy-document '/);
    const document = JSON.parse(/--policy-document '(.*)'$/.exec(command)![1]);
    expect(document.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameters',
        Resource: ['arn:aws-cn:ssm:cn-north-1:210478935612:parameter/network/subnets', 'arn:aws-cn:ssm:cn-north-1:210478935612:parameter/network/sgs'],
      },
    ]);
    expect(why).toContain('/network/subnets, /network/sgs');
    expect(deployRoleSsmReadStep('210478935612', 'eu-west-1', ['/a'])).toContain('--role-name cdk-hnb659fds-deploy-role-210478935612-eu-west-1 ');
  });

  it('writes the block once, to stderr by default', () => {
    const written: string[] = [];
    printPrerequisites({ app: 'promote', stackName: 's', accounts: [{ account: '210478935612', region: 'eu-west-1', role: 'target', steps: ['x'] }] }, (t) => written.push(t));
    expect(written).toEqual(['\nPrerequisites of promote module s, once per account and region before the first deploy:\n\naccount 210478935612, eu-west-1: target\n  1. x\n\n']);
  });
});

describe('the execution policies under docs/bootstrap', () => {
  it.each(BOOTSTRAP_POLICY_KINDS)('%s: the committed file is the generated document', (kind) => {
    const file = JSON.parse(fs.readFileSync(path.join(REPO, BOOTSTRAP_POLICIES[kind].file), 'utf8'));
    expect(file).toEqual(executionPolicyDocument(kind));
  });

  it.each(BOOTSTRAP_POLICY_KINDS)('%s: covers the actions of every resource type it lists, with no * action and no PassRole on *', (kind) => {
    const document = executionPolicyDocument(kind);
    expect(executionPolicyGaps(BOOTSTRAP_POLICY_TYPES[kind], document)).toEqual({ unknownTypes: [], missingActions: {} });
    for (const statement of document.Statement) {
      const actions = ([] as unknown[]).concat(statement.Action);
      expect(actions.some((a) => a === '*' || String(a).endsWith(':*'))).toBe(false);
      if (actions.includes('iam:PassRole')) {
        expect(statement.Resource).not.toBe('*');
        expect(statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': expect.any(Array) } });
      }
    }
  });

  it('reports a resource type it does not know and the actions a policy lacks', () => {
    const gaps = executionPolicyGaps(resourceTypesOf([{ Resources: { A: { Type: 'AWS::SQS::Queue' }, B: { Type: 'AWS::Glue::Job' }, C: { Type: 'Custom::Thing' } } }]), {
      Statement: [{ Effect: 'Allow', Action: ['sqs:CreateQueue', 'sqs:Delete*', 'lambda:InvokeFunction'] }],
    });
    expect(gaps).toEqual({ unknownTypes: ['AWS::Glue::Job'], missingActions: { 'AWS::SQS::Queue': ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags'] } });
  });
});
