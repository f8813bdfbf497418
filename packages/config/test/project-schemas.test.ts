import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  cdkBootstrapQualifier,
  codeCommitRepositoryName,
  connectionArn,
  emailAddress,
  gitBranchName,
  permissionsBoundaryName,
  repositoryOwnerAndName,
  repositoryRules,
  repositoryType,
  sagemakerProjectId,
  sagemakerProjectName,
  securityGroupId,
  ssmParameterName,
  subnetId,
} from '../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const UUID = '0123abcd-4567-89ef-0123-456789abcdef';

/** The messages of a failed parse, or [] when it succeeded. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('SageMaker project name and id', () => {
  it('accepts names of letters, digits and single hyphens and says what is wrong otherwise', () => {
    expect(sagemakerProjectName().parse('churn-model')).toBe('churn-model');
    expect(messages(sagemakerProjectName(), '1churn')).toEqual(['must start with a letter and contain only letters, digits and single hyphens, not ending with a hyphen']);
    expect(messages(sagemakerProjectName(), 'a'.repeat(33))).toEqual(['the SageMaker project name has at most 32 characters']);
    expect(messages(sagemakerProjectName(), 42)).toEqual(['expected a text value']);
  });

  it('reports a missing name with the default or the module-specific message', () => {
    expect(messages(sagemakerProjectName(), undefined)).toEqual(['required, but not set; give the SageMaker project name']);
    expect(messages(sagemakerProjectName('required, but not set; give X'), undefined)).toEqual(['required, but not set; give X']);
  });

  it('accepts SageMaker project ids of at most 20 characters', () => {
    expect(sagemakerProjectId().parse('p-abc123def456')).toBe('p-abc123def456');
    expect(messages(sagemakerProjectId(), 'p-'.padEnd(21, 'x'))).toEqual(['the SageMaker project id has at most 20 characters (SageMaker ids look like p-abc123def456)']);
    expect(messages(sagemakerProjectId(), 'p-abc-')).toEqual(['may contain only letters, digits and single hyphens, starting and ending with a letter or digit']);
    expect(messages(sagemakerProjectId(), undefined)).toEqual(['required, but not set; give the SageMaker project id (e.g. p-abc123def456)']);
  });
});

describe('repository parameters', () => {
  it('parses CodeConnections and legacy CodeStar Connections ARNs into account and region', () => {
    const arn = `arn:aws:codeconnections:eu-west-1:${TOOLING}:connection/${UUID}`;
    expect(connectionArn.parse(arn)).toEqual({ arn, region: 'eu-west-1', account: TOOLING });
    expect(connectionArn.parse(`arn:aws:codestar-connections:us-east-1:${TOOLING}:connection/${UUID}`).region).toBe('us-east-1');
    expect(messages(connectionArn, `arn:aws:codecommit:eu-west-1:${TOOLING}:repo`)).toEqual([
      'expected a connection ARN such as arn:aws:codeconnections:<region>:<account>:connection/<uuid> (create it in the console under Developer Tools > Connections)',
    ]);
  });

  it('accepts codecommit or codeconnections as repository_type', () => {
    expect(repositoryType.default('codecommit').parse(undefined)).toBe('codecommit');
    expect(repositoryType.parse('codeconnections')).toBe('codeconnections');
    expect(messages(repositoryType, 'github')).toEqual(['expected codecommit (default) or codeconnections']);
  });

  it('checks owner/name with the example the module gives', () => {
    const schema = repositoryOwnerAndName('my-org/repo');
    expect(schema.parse('group/subgroup/repo')).toBe('group/subgroup/repo');
    expect(messages(schema, 'repo')).toEqual(['expected <owner>/<repository> as the Git provider shows it, e.g. my-org/repo']);
  });

  it('checks CodeCommit repository names (CreateRepository limits)', () => {
    expect(codeCommitRepositoryName.parse('churn_model.v2')).toBe('churn_model.v2');
    expect(messages(codeCommitRepositoryName, 'a'.repeat(101))).toEqual(['a CodeCommit repository name has 1 to 100 letters, digits, dots, underscores and hyphens']);
    expect(messages(codeCommitRepositoryName, 'churn.git')).toEqual(['a CodeCommit repository name must not end with .git']);
  });

  it('checks Git branch names, refusing full refs only when asked', () => {
    const message = 'expected a Git branch name such as main (not refs/heads/main)';
    for (const bad of ['-main', '/main', 'main/', 'main.lock', 'a..b', 'a//b', 'has space']) {
      expect(messages(gitBranchName(), bad)).toEqual([message]);
    }
    expect(gitBranchName().parse('feature/x-1.2')).toBe('feature/x-1.2');
    expect(gitBranchName().parse('refs/heads/main')).toBe('refs/heads/main');
    expect(messages(gitBranchName({ rejectRefs: true }), 'refs/heads/main')).toEqual([message]);
    expect(gitBranchName({ rejectRefs: true }).parse('main')).toBe('main');
  });
});

describe('deployment parameters', () => {
  it('checks the CDK bootstrap qualifier', () => {
    expect(cdkBootstrapQualifier.parse('hnb659fds')).toBe('hnb659fds');
    expect(messages(cdkBootstrapQualifier, 'Upper')).toEqual(["expected the 1 to 10 lowercase letters or digits given to 'cdk bootstrap --qualifier'"]);
    expect(messages(cdkBootstrapQualifier, 'a'.repeat(11))).toHaveLength(1);
  });

  it('wants a permissions boundary name, not an ARN', () => {
    expect(permissionsBoundaryName.parse('MlopsBoundary')).toBe('MlopsBoundary');
    expect(messages(permissionsBoundaryName, `arn:aws:iam::${TOOLING}:policy/MlopsBoundary`)).toEqual(['must be the name of a managed policy in this account (not an ARN)']);
  });

  it('checks subnet and security group ids', () => {
    expect(subnetId.parse('subnet-0123456789abcdef0')).toBe('subnet-0123456789abcdef0');
    expect(messages(subnetId, 'sg-0123456789abcdef0')).toEqual(['expected a subnet id such as subnet-0123456789abcdef0']);
    expect(securityGroupId.parse('sg-01234567')).toBe('sg-01234567');
    expect(messages(securityGroupId, 'subnet-01234567')).toEqual(['expected a security group id such as sg-0123456789abcdef0']);
  });

  it('checks SSM parameter names, refusing ARNs and the reserved aws/ssm prefixes', () => {
    expect(ssmParameterName.parse('/mlops/vpc/private-subnet-ids')).toBe('/mlops/vpc/private-subnet-ids');
    expect(messages(ssmParameterName, `arn:aws:ssm:eu-west-1:${TOOLING}:parameter/x`)).toEqual([
      'expected an SSM parameter name such as /mlops/vpc/private-subnet-ids (a name, not an ARN)',
    ]);
    expect(messages(ssmParameterName, '/aws/service/x')).toEqual(['SSM parameter names must not start with aws or ssm']);
  });

  it('checks e-mail addresses', () => {
    expect(emailAddress.parse('ml-leads@example.com')).toBe('ml-leads@example.com');
    expect(messages(emailAddress, 'ml-leads')).toEqual(['expected an e-mail address']);
  });
});

describe('repositoryRules', () => {
  const module = { account: TOOLING, region: 'eu-west-1' };
  const here = connectionArn.parse(`arn:aws:codeconnections:eu-west-1:${TOOLING}:connection/${UUID}`);
  const elsewhere = connectionArn.parse(`arn:aws:codeconnections:us-east-1:${TOOLING}:connection/${UUID}`);
  function run(p: Parameters<typeof repositoryRules>[0], options?: Parameters<typeof repositoryRules>[3]) {
    const issues: Array<{ path: string; received: unknown; message: string }> = [];
    for (const rule of repositoryRules(p, module, (path, received, message) => issues.push({ path, received, message }), options)) rule();
    return issues;
  }

  it('wants a connection of the module account and region and owner/name with codeconnections, not a CodeCommit name', () => {
    expect(run({ repository_type: 'codeconnections', code_connection_arn: here, repository_owner_and_name: 'org/repo' })).toEqual([]);
    expect(run({ repository_type: 'codeconnections', repository_name: 'repo' })).toEqual([
      { path: 'code_connection_arn', received: undefined, message: 'required with repository_type codeconnections; give the ARN of an available connection to your Git provider' },
      { path: 'repository_owner_and_name', received: undefined, message: 'required with repository_type codeconnections; give <owner>/<repository>' },
      { path: 'repository_name', received: 'repo', message: 'names a CodeCommit repository this module creates; with codeconnections give repository_owner_and_name instead' },
    ]);
    expect(run({ repository_type: 'codeconnections', code_connection_arn: elsewhere, repository_owner_and_name: 'org/repo' })).toEqual([
      { path: 'code_connection_arn', received: elsewhere.arn, message: `CodePipeline uses connections of its own account and region; create the connection in ${TOOLING} / eu-west-1` },
    ]);
  });

  it('refuses the connection parameters with codecommit', () => {
    const message = 'only used with repository_type codeconnections; remove it, or set repository_type to codeconnections';
    expect(run({ repository_type: 'codecommit', repository_name: 'repo' })).toEqual([]);
    expect(run({ repository_type: 'codecommit', code_connection_arn: here, repository_owner_and_name: 'org/repo' })).toEqual([
      { path: 'code_connection_arn', received: here.arn, message },
      { path: 'repository_owner_and_name', received: 'org/repo', message },
    ]);
  });

  it('checks only the connection when the module has no owner/name parameters', () => {
    expect(run({ repository_type: 'codeconnections' }, { ownerAndName: false })).toEqual([
      { path: 'code_connection_arn', received: undefined, message: 'required with repository_type codeconnections; give the ARN of an available connection to your Git provider' },
    ]);
    expect(run({ repository_type: 'codecommit', repository_owner_and_name: 'org/repo' }, { ownerAndName: false })).toEqual([]);
  });
});
