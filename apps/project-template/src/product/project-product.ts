import { Aspects, CfnOutput, CfnParameter, IAspect, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { DeadLetterQueue } from '@sagemaker-mlops/events';
import { applyPermissionsBoundary } from '@sagemaker-mlops/iam';
import { Construct, IConstruct } from 'constructs';
import type { ProjectTemplateConfig } from '../config';
import { BuildCicd } from './build-cicd';
import { DeployCicd, DeploymentRegionStore, SeedObject } from './deploy-cicd';
import { PROJECT_ROLE_PATH, projectNames } from './names';
import { SharedResources } from './shared-resources';
import type { ProjectRepository } from './source';

/** SageMaker's own patterns (CreateProject, Amazon SageMaker API Reference), within the reference's lengths. */
export const PROJECT_NAME_PATTERN = '^[a-zA-Z0-9](-*[a-zA-Z0-9])*$';
/** SageMaker project ids are lowercase (`p-` and 12 characters); the ECR repository name relies on it. */
export const PROJECT_ID_PATTERN = '^[a-z0-9](-*[a-z0-9])*$';

/** The seed code and tool zips of the module, in its asset bucket. */
export interface ProductSeeds {
  readonly build: SeedObject;
  readonly deploy: SeedObject;
  readonly endpointTestTool: SeedObject;
  readonly securityEvaluationTool: SeedObject;
}

export interface ProjectProductProps {
  readonly config: ProjectTemplateConfig;
  readonly seeds: ProductSeeds;
  /**
   * The deploy pipelines' artifact store in the deployment region, when it is not the product's region: its
   * literal bucket name and the SSM parameter (of the product's region) holding its key ARN.
   *
   * @default - the deployment region is the product's: the pipeline bucket serves every action
   */
  readonly deploymentRegionStore?: DeploymentRegionStore;
}

/** Sets the path of every IAM role of the project, so the launch role may manage roles under that path only. */
class RolePath implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof iam.CfnRole) node.path = PROJECT_ROLE_PATH;
  }
}

/**
 * The project template: what one SageMaker project (one Service Catalog launch) creates. A CDK
 * `ProductStack`: synthesized with the module, stored as a product template, parameterized by
 * `SageMakerProjectName` (1-32) and `SageMakerProjectId` (1-16), which SageMaker fills in, and by
 * `PreProdAccount`, `ProdAccount` and `DeploymentRegion`, which default to the module's values (the ones
 * it writes to SSM). Every resource is tagged `sagemaker:project-name` and `sagemaker:project-id`, which
 * is how Studio lists them under the project.
 */
export class ProjectProduct extends servicecatalog.ProductStack {
  public readonly parameters: Record<'projectName' | 'projectId' | 'preprodAccount' | 'prodAccount' | 'deploymentRegion', CfnParameter>;
  public readonly shared: SharedResources;
  public readonly build: BuildCicd;
  public readonly deploy: DeployCicd;

  constructor(scope: Construct, id: string, props: ProjectProductProps) {
    super(scope, id, {
      description: 'SageMaker project: shared cross-account resources, a build CI/CD (training pipeline) and a deploy CI/CD (real-time endpoint in dev, preprod and prod)',
      analyticsReporting: false,
    });
    const { config, seeds } = props;
    this.parameters = {
      projectName: new CfnParameter(this, 'SageMakerProjectName', {
        type: 'String',
        description: 'Name of the project',
        minLength: 1,
        maxLength: 32,
        allowedPattern: PROJECT_NAME_PATTERN,
      }),
      projectId: new CfnParameter(this, 'SageMakerProjectId', {
        type: 'String',
        description: 'Service generated Id of the project',
        minLength: 1,
        maxLength: 16,
        allowedPattern: PROJECT_ID_PATTERN,
      }),
      preprodAccount: new CfnParameter(this, 'PreProdAccount', {
        type: 'String',
        description: 'Account the preprod endpoint is deployed to (bootstrapped for CDK, trusting this account)',
        default: config.preprodAccount,
        allowedPattern: '^\\d{12}$',
        constraintDescription: 'a 12-digit AWS account id',
      }),
      prodAccount: new CfnParameter(this, 'ProdAccount', {
        type: 'String',
        description: 'Account the prod endpoint is deployed to (bootstrapped for CDK, trusting this account)',
        default: config.prodAccount,
        allowedPattern: '^\\d{12}$',
        constraintDescription: 'a 12-digit AWS account id',
      }),
      deploymentRegion: new CfnParameter(this, 'DeploymentRegion', {
        type: 'String',
        description: 'Region every stage deploys to (the module parameter deployment_region)',
        default: config.deploymentRegion,
        // Only the region the template was synthesized for: the deploy actions' Region, the bootstrap role names
        // and, in another region than the product's, the artifact store there (ArtifactStores, the module's
        // DeploymentRegionStack) are literals of the template; another value would deploy nowhere consistent.
        allowedValues: [config.deploymentRegion],
      }),
    };
    const name = this.parameters.projectName.valueAsString;
    const projectId = this.parameters.projectId.valueAsString;
    const names = projectNames(name, projectId);
    Tags.of(this).add('sagemaker:project-name', name);
    Tags.of(this).add('sagemaker:project-id', projectId);

    const owner =
      config.repository.type === 'codeconnections'
        ? new CfnParameter(this, 'RepositoryOwner', {
            type: 'String',
            description: "Owner (user, organization or group) of the project's two repositories, reached through the module's CodeConnections connection",
            allowedPattern: '^[\\w.-]+$',
          }).valueAsString
        : '';
    const repository = (kind: 'build' | 'deploy'): ProjectRepository => {
      if (config.repository.type === 'codecommit') {
        return {
          type: 'codecommit',
          name: kind === 'build' ? names.buildRepository : names.deployRepository,
          description: kind === 'build' ? 'Training pipeline (build app) of the SageMaker project' : 'Endpoint deployment (deploy app) of the SageMaker project',
          seed: seeds[kind],
        };
      }
      const parameter = new CfnParameter(this, kind === 'build' ? 'BuildRepositoryName' : 'DeployRepositoryName', {
        type: 'String',
        description: `Name of the ${kind} repository (push the seed ${kind} app there first)`,
        allowedPattern: '^[\\w.-]+$',
      });
      return { type: 'codeconnections', connectionArn: config.repository.connectionArn, ownerAndName: `${owner}/${parameter.valueAsString}` };
    };

    this.shared = new SharedResources(this, 'Shared', {
      projectName: name,
      projectId,
      consumerAccounts: [this.parameters.preprodAccount.valueAsString, this.parameters.prodAccount.valueAsString],
      serverAccessLogsBucketArn: config.s3AccessLogsBucketArn,
    });
    // EventBridge may send to the queue for the project's rules only. SSE-SQS rather than the pipeline key: a
    // key policy must name each rule by a literal ARN (DeadLetterQueue), and the rule names hold the project
    // name and id, which are parameters. The queue holds event envelopes, not models.
    const deadLetterQueue = new DeadLetterQueue(this, 'TriggerDeadLetterQueue');
    this.build = new BuildCicd(this, 'Build', { projectName: name, projectId, shared: this.shared, repository: repository('build'), deadLetterQueue });
    this.deploy = new DeployCicd(this, 'Deploy', {
      projectName: name,
      projectId,
      shared: this.shared,
      repository: repository('deploy'),
      deadLetterQueue,
      accounts: { preprod: this.parameters.preprodAccount.valueAsString, prod: this.parameters.prodAccount.valueAsString },
      deploymentRegion: config.deploymentRegion,
      deploymentRegionParameter: this.parameters.deploymentRegion.valueAsString,
      accountVariables: { dev: 'AWS::AccountId', preprod: 'PreProdAccount', prod: 'ProdAccount' },
      endpointTestTool: seeds.endpointTestTool,
      securityEvaluationTool: seeds.securityEvaluationTool,
      cdkBootstrapQualifier: config.cdkBootstrapQualifier,
      partition: config.partition,
      pipelineRegion: config.region,
      deploymentRegionStore: props.deploymentRegionStore,
    });

    Aspects.of(this).add(new RolePath());
    if (config.permissionsBoundaryName) applyPermissionsBoundary(this, { name: config.permissionsBoundaryName });

    const outputs: Record<string, string> = {
      ModelPackageGroupName: names.modelPackageGroup,
      ArtifactBucketName: this.shared.artifactBucket.bucketName,
      ArtifactKeyArn: this.shared.artifactKey.keyArn,
      ImageRepositoryUri: this.shared.repository.repositoryUri,
      BuildPipelineName: this.build.pipeline.pipelineName,
      DeployPipelineName: this.deploy.pipeline.pipelineName,
      PreProdApproverRoleArn: this.deploy.approvePreProd.approverRole!.roleArn,
      ProdApproverRoleArn: this.deploy.approveProd.approverRole!.roleArn,
    };
    if (this.build.source.codeCommitRepository) outputs.BuildRepositoryCloneUrlHttp = this.build.source.codeCommitRepository.repositoryCloneUrlHttp;
    if (this.deploy.source.codeCommitRepository) outputs.DeployRepositoryCloneUrlHttp = this.deploy.source.codeCommitRepository.repositoryCloneUrlHttp;
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });
  }
}
