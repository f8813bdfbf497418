import { BOOTSTRAP_POLICIES, type BootstrapPolicyKind } from './bootstrap-policy';
import { partitionOfRegion } from './primitives';

/** The CDK bootstrap an account and region needs. */
export interface BootstrapRequirement {
  /**
   * Accounts whose pipelines deploy here with this account's bootstrap roles (`--trust`).
   *
   * @default [] - only this account deploys here (`cdk deploy` of the module itself)
   */
  readonly trust?: readonly string[];
  /** The execution policies of the templates deployed here (`--cloudformation-execution-policies`); see `BOOTSTRAP_POLICIES`. */
  readonly executionPolicies: readonly BootstrapPolicyKind[];
  /**
   * The bootstrap qualifier.
   *
   * @default 'hnb659fds' - CDK's default, printed without `--qualifier`
   */
  readonly qualifier?: string;
}

/** What one account and region needs before the module's first deploy. */
export interface AccountPrerequisites {
  /** The 12-digit account id, or `OU ou-...` for the accounts of an organizational unit. */
  readonly account: string;
  readonly region: string;
  /** What the account is to the module, e.g. `tooling (this module)` or `staging`. */
  readonly role: string;
  /**
   * The CDK bootstrap it needs.
   *
   * @default - none (e.g. StackSet targets, which use the StackSet execution role)
   */
  readonly bootstrap?: BootstrapRequirement;
  /**
   * Other manual steps, one sentence each.
   *
   * @default []
   */
  readonly steps?: readonly string[];
}

/** The per-account prerequisites of one module. */
export interface ModulePrerequisites {
  /** The app, e.g. `promote`. */
  readonly app: string;
  /** The module's stack name (`<project>-<deployment>-<module>`). */
  readonly stackName: string;
  /** One entry per account and region; entries of the same account and region are merged. */
  readonly accounts: readonly AccountPrerequisites[];
}

const DEFAULT_QUALIFIER = 'hnb659fds';

/** The ARN an execution policy has once created in `account`, in the partition of `region`. */
export function executionPolicyArn(kind: BootstrapPolicyKind, account: string, region: string): string {
  return `arn:${partitionOfRegion(region)}:iam::${account}:policy/${BOOTSTRAP_POLICIES[kind].policyName}`;
}

/** The command that creates an execution policy from its committed file (run from the repository root, once per account). */
export function createPolicyCommand(kind: BootstrapPolicyKind): string {
  const policy = BOOTSTRAP_POLICIES[kind];
  return `aws iam create-policy --policy-name ${policy.policyName} --policy-document file://${policy.file}`;
}

/**
 * The step that lets an account's CDK bootstrap deploy role read the SSM parameters named by a template's
 * parameters of type `AWS::SSM::Parameter::Value<...>` (the VPC settings given as parameter names).
 *
 * Why: CloudFormation resolves those parameters when the change set is created, with the caller's
 * credentials (AWS CloudFormation User Guide, "Systems Manager parameter types": a parameter that does not
 * exist "under the caller's AWS account" is a validation error), and the caller here is the account's CDK
 * deploy role (the pipelines' CloudFormation actions, `cdk deploy`), which may read only the bootstrap
 * version parameter: the CDK bootstrap template's `ReadVersion` statement grants `ssm:GetParameters` on
 * `CdkBootstrapVersion` alone ("CreateChangeSet uses this to evaluate any SSM parameters").
 */
export function deployRoleSsmReadStep(account: string, region: string, names: readonly string[], qualifier: string = DEFAULT_QUALIFIER): string {
  const partition = partitionOfRegion(region);
  const arns = [...new Set(names)].map((name) => `arn:${partition}:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`);
  const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: arns }] });
  return (
    `aws iam put-role-policy --role-name cdk-${qualifier}-deploy-role-${account}-${region} --policy-name sagemaker-mlops-read-vpc-parameters ` +
    `--policy-document '${document}'   # the CDK deploy role resolves the template's SSM parameters ${[...new Set(names)].join(', ')} (it may read only the bootstrap version otherwise)`
  );
}

/**
 * The prerequisites as one plain block: per account and region, what it is to the module, the
 * `aws iam create-policy` commands for the execution policies (once per account: IAM is global), the
 * `cdk bootstrap` command, and the other manual steps. Accounts keep the order they are given in.
 */
export function formatPrerequisites(prerequisites: ModulePrerequisites): string {
  const merged = new Map<string, { account: string; region: string; roles: string[]; trust: Set<string>; policies: Set<BootstrapPolicyKind>; qualifier?: string; bootstrap: boolean; steps: string[] }>();
  for (const entry of prerequisites.accounts) {
    const key = `${entry.account}/${entry.region}`;
    const item = merged.get(key) ?? { account: entry.account, region: entry.region, roles: [], trust: new Set(), policies: new Set(), bootstrap: false, steps: [] };
    if (!item.roles.includes(entry.role)) item.roles.push(entry.role);
    if (entry.bootstrap) {
      item.bootstrap = true;
      entry.bootstrap.trust?.filter((t) => t !== entry.account).forEach((t) => item.trust.add(t));
      entry.bootstrap.executionPolicies.forEach((p) => item.policies.add(p));
      item.qualifier = entry.bootstrap.qualifier ?? item.qualifier;
    }
    for (const step of entry.steps ?? []) if (!item.steps.includes(step)) item.steps.push(step);
    merged.set(key, item);
  }

  const lines = [`Prerequisites of ${prerequisites.app} module ${prerequisites.stackName}, once per account and region before the first deploy:`];
  const policiesCreated = new Set<string>();
  for (const item of merged.values()) {
    lines.push('', `account ${item.account}, ${item.region}: ${item.roles.join('; ')}`);
    const commands: string[] = [];
    if (item.bootstrap) {
      const policies = [...item.policies].sort();
      for (const kind of policies) {
        if (policiesCreated.has(`${item.account}/${kind}`)) continue;
        policiesCreated.add(`${item.account}/${kind}`);
        commands.push(`${createPolicyCommand(kind)}   # once per account: ${BOOTSTRAP_POLICIES[kind].purpose}`);
      }
      const arns = policies.map((kind) => executionPolicyArn(kind, item.account, item.region));
      commands.push(
        [
          `cdk bootstrap aws://${item.account}/${item.region}`,
          ...(item.trust.size > 0 ? [`--trust ${[...item.trust].sort().join(',')}`] : []),
          `--cloudformation-execution-policies ${arns.join(',')}`,
          ...(item.qualifier && item.qualifier !== DEFAULT_QUALIFIER ? [`--qualifier ${item.qualifier}`] : []),
        ].join(' '),
      );
    }
    commands.push(...item.steps);
    commands.forEach((command, i) => lines.push(`  ${i + 1}. ${command}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes {@link formatPrerequisites} to stderr (or `write`), so that it reaches the terminal and the
 * CI log without entering the cloud assembly, without CDK's annotation source locations, and without
 * disturbing `cdk synth`'s template on stdout. Call it once per synth, from the app's main.ts.
 */
export function printPrerequisites(prerequisites: ModulePrerequisites, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  write(`\n${formatPrerequisites(prerequisites)}\n`);
}
