import { Duration } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { codeCommitBranchPush, DeadLetterQueue, gitPushTrigger } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';

/** Where a pipeline's source is. */
export type SourceRepository =
  /** A CodeCommit repository of this account: created here ({@link seededCodeCommitRepository}) or imported. */
  | { readonly host: 'codecommit'; readonly repository: codecommit.IRepository }
  /** A GitHub, GitLab or Bitbucket repository reached through an AWS CodeConnections connection. */
  | { readonly host: 'codeconnections'; readonly connectionArn: string; readonly ownerAndName: string };

/** Props of {@link seededCodeCommitRepository}. */
export interface SeededCodeCommitRepositoryProps {
  readonly repositoryName: string;
  /** @default - none */
  readonly description?: string;
  /** Folder whose files are the first commit (zipped as an asset; CodeCommit takes them only when the repository is created). */
  readonly seedCodeDir: string;
  /** The branch the first commit is on: the branch the pipeline follows. */
  readonly branch: string;
}

/** A CodeCommit repository created with `seedCodeDir` as its first commit on `branch`. */
export function seededCodeCommitRepository(scope: Construct, id: string, props: SeededCodeCommitRepositoryProps): codecommit.Repository {
  return new codecommit.Repository(scope, id, {
    repositoryName: props.repositoryName,
    description: props.description,
    code: codecommit.Code.fromDirectory(props.seedCodeDir, props.branch),
  });
}

/** Props of {@link RepositorySource}. */
export interface RepositorySourceProps {
  readonly repository: SourceRepository;
  /** The branch the pipeline checks out, and whose pushes start it. */
  readonly branch: string;
  /** Receives the checked-out files. */
  readonly output: codepipeline.Artifact;
  /**
   * Name of the source action.
   *
   * @default 'Repository'
   */
  readonly actionName?: string;
}

/** Options of {@link RepositorySource.triggerOnPush}. */
export interface PushTriggerOptions {
  /**
   * Literal name of the CodeCommit push rule, at most 64 characters: the dead-letter queue's key policy names the
   * rule by ARN, built from this name. Unused for CodeConnections.
   *
   * @default - none; required for a CodeCommit repository
   */
  readonly ruleName?: string;
  /**
   * Receives the pushes EventBridge could not deliver to the pipeline. Unused for CodeConnections.
   *
   * @default - none; required for a CodeCommit repository
   */
  readonly deadLetterQueue?: DeadLetterQueue;
  /** @default - names the repository and branch */
  readonly description?: string;
  /** @default 8 */
  readonly retryAttempts?: number;
  /** @default Duration.hours(24) */
  readonly maxEventAge?: Duration;
}

/**
 * The source action of a pipeline that follows one branch of a CodeCommit or CodeConnections repository, and the
 * trigger that starts the pipeline on a push to that branch.
 *
 * The two hosts need different triggers. CodeCommit publishes "CodeCommit Repository State Change" events to
 * EventBridge: the action never polls and creates no rule of its own; {@link triggerOnPush} adds one rule, with
 * retries and a dead-letter queue, that this construct owns. CodeConnections publishes no events: the connection
 * delivers pushes to CodePipeline, and the only place to filter them by branch is a V2 pipeline's git trigger
 * ("Filter triggers on code push or pull requests", AWS CodePipeline User Guide).
 */
export class RepositorySource extends Construct {
  public readonly action: codepipeline.IAction;
  /** The CodeCommit repository; undefined for CodeConnections. */
  public readonly codeCommitRepository?: codecommit.IRepository;
  private readonly branch: string;
  private rule?: events.Rule;

  constructor(scope: Construct, id: string, props: RepositorySourceProps) {
    super(scope, id);
    this.branch = props.branch;
    const actionName = props.actionName ?? 'Repository';
    const repo = props.repository;
    if (repo.host === 'codecommit') {
      this.codeCommitRepository = repo.repository;
      this.action = new actions.CodeCommitSourceAction({
        actionName,
        repository: repo.repository,
        branch: props.branch,
        output: props.output,
        trigger: actions.CodeCommitTrigger.NONE,
      });
    } else {
      const [owner, ...rest] = repo.ownerAndName.split('/');
      if (!owner || rest.length === 0) {
        throw new Error(`RepositorySource ${this.node.path}: ownerAndName must be 'owner/repository', got '${repo.ownerAndName}'.`);
      }
      this.action = new actions.CodeStarConnectionsSourceAction({
        actionName,
        connectionArn: repo.connectionArn,
        owner,
        repo: rest.join('/'),
        branch: props.branch,
        output: props.output,
      });
    }
  }

  /**
   * Starts `pipeline` (a V2 pipeline holding {@link action}) on every push to the branch: an EventBridge rule for
   * CodeCommit, a git push trigger for CodeConnections.
   *
   * @returns the CodeCommit rule, or undefined for CodeConnections
   * @throws Error for CodeCommit without `ruleName` and `deadLetterQueue`
   */
  public triggerOnPush(pipeline: codepipeline.Pipeline, options: PushTriggerOptions = {}): events.Rule | undefined {
    if (this.rule) throw new Error(`RepositorySource ${this.node.path}: triggerOnPush was already called.`);
    const repository = this.codeCommitRepository;
    if (!repository) {
      pipeline.addTrigger(gitPushTrigger({ sourceAction: this.action, branches: [this.branch] }));
      return undefined;
    }
    if (!options.ruleName || !options.deadLetterQueue) {
      throw new Error(`RepositorySource ${this.node.path}: a CodeCommit push trigger needs ruleName and deadLetterQueue (undelivered pushes must not be lost).`);
    }
    const rule = new events.Rule(this, 'PushRule', {
      ruleName: options.ruleName,
      description: options.description ?? `Starts the pipeline when branch ${this.branch} of ${repository.repositoryName} changes`,
      eventPattern: codeCommitBranchPush({ repositoryArn: repository.repositoryArn, branches: [this.branch] }),
      targets: [
        new targets.CodePipeline(pipeline, {
          retryAttempts: options.retryAttempts ?? 8,
          maxEventAge: options.maxEventAge ?? Duration.hours(24),
          deadLetterQueue: options.deadLetterQueue.queue,
        }),
      ],
    });
    options.deadLetterQueue.allowDeliveriesFrom(rule);
    this.rule = rule;
    return rule;
  }

  /** The CodeCommit push rule, once {@link triggerOnPush} made it. */
  public get pushRule(): events.Rule | undefined {
    return this.rule;
  }
}
