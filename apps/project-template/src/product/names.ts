import { Fn } from 'aws-cdk-lib';

/** Stage names of the deploy pipeline, in order; the deploy app's stacks and config folders have the same names. */
export const DEPLOY_STAGES = ['dev', 'preprod', 'prod'] as const;
export type DeployStage = (typeof DEPLOY_STAGES)[number];

/** The branch both pipelines follow (single-branch strategy, seed document). */
export const PIPELINE_BRANCH = 'main';

/** IAM path of every role a project creates: the launch role may create, change and pass roles under it only. */
export const PROJECT_ROLE_PATH = '/sagemaker-project/';

/**
 * Names of one project's resources. `name` and `id` are usually the `SageMakerProjectName` and
 * `SageMakerProjectId` parameters (tokens); the helpers only concatenate, so they work on both.
 */
export function projectNames(name: string, id: string) {
  const join = (...parts: string[]) => Fn.join('-', parts);
  return {
    /** The model package group, `<name>-<id>` (reference). */
    modelPackageGroup: join(name, id),
    /** The SageMaker pipeline the build app upserts (reference: `<name>-<id>`). */
    sagemakerPipeline: join(name, id),
    buildRepository: join(name, 'build'),
    deployRepository: join(name, 'deploy'),
    buildPipeline: join(name, 'build'),
    deployPipeline: join(name, 'deploy'),
    /** ECR names are lowercase: SageMaker project ids are, project names need not be. */
    ecrRepository: join('sagemaker', id),
    /** Literal rule names: the dead-letter queue's key policy names each rule by ARN (at most 32+16+14 characters). */
    rule: (suffix: string) => join(name, id, suffix),
    /** The staging test's role: the preprod endpoint stack's test role trusts exactly this role (at most 56 characters). */
    stagingTestRole: join(name, id, 'tester'),
    /** The CloudFormation stack of one stage's endpoint (reference: `<name>-deploy-<stage>`; the id keeps projects apart). */
    endpointStack: (stage: DeployStage) => join(name, id, 'deploy', stage),
    /** The deploy app's template of one stage, in the Build output. */
    templateFile: (stage: DeployStage) => `${stage}.template.json`,
  };
}
