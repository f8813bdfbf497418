import { Duration } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { SourceRepository } from '@sagemaker-mlops/constructs';
import type { DeadLetterQueue } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';
import { PIPELINE_BRANCH } from './names';

/** Where a project's repository lives. */
export type ProjectRepository =
  | {
      readonly type: 'codecommit';
      /** The CodeCommit repository to create. */
      readonly name: string;
      readonly description: string;
      /** The seed code zip the repository starts with. */
      readonly seed: { readonly bucket: string; readonly key: string };
    }
  | {
      readonly type: 'codeconnections';
      readonly connectionArn: string;
      /** `<owner>/<repository>`; either part may be a CloudFormation parameter. */
      readonly ownerAndName: string;
    };

/**
 * The pipeline source of a project repository: a CodeCommit repository created with the seed code (the
 * reference), or a repository of a Git provider reached through AWS CodeConnections, for accounts that cannot
 * create CodeCommit repositories.
 *
 * The seed zip is an asset of the module stack, named literally: `seededCodeCommitRepository` and the L2
 * repository take local code only, which a Service Catalog product (a template without assets) cannot carry.
 */
export function projectSourceRepository(scope: Construct, id: string, repository: ProjectRepository): SourceRepository {
  if (repository.type === 'codeconnections') {
    return { host: 'codeconnections', connectionArn: repository.connectionArn, ownerAndName: repository.ownerAndName };
  }
  const created = new codecommit.Repository(scope, id, { repositoryName: repository.name, description: repository.description });
  (created.node.defaultChild as codecommit.CfnRepository).code = {
    branchName: PIPELINE_BRANCH,
    s3: { bucket: repository.seed.bucket, key: repository.seed.key },
  };
  return { host: 'codecommit', repository: created };
}

/** A CodePipeline target with retries for a day and a dead-letter queue. */
export function pipelineTarget(pipeline: codepipeline.IPipeline, deadLetterQueue: DeadLetterQueue): targets.CodePipeline {
  return new targets.CodePipeline(pipeline, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: deadLetterQueue.queue });
}
