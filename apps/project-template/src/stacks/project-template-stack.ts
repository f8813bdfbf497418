import { CfnOutput, Stack, StackProps, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { bundlePath } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';
import { LEAD_ROLE_PARAMETER, ProjectTemplateConfig, SSM_PARAMETERS } from '../config';
import { ProjectProduct } from '../product/project-product';
import { securityEvaluationBundle } from '../security/bundle';
import { LaunchRole } from './launch-role';

export interface ProjectTemplateStackProps extends StackProps {
  readonly config: ProjectTemplateConfig;
  /** The seed code folders of the build and deploy repositories (see prepareSeedCode). */
  readonly seedCodeDirs: { readonly build: string; readonly deploy: string };
  /**
   * The deploy pipelines' artifact store in the deployment region (DeploymentRegionStack), when it is not this
   * stack's region: its literal bucket name, and its key ARN (a cross-region reference, written to SSM here).
   *
   * @default - the deployment region is this stack's: the pipeline bucket serves every action
   */
  readonly deploymentRegionStore?: { readonly bucketName: string; readonly keyArn: string };
}

/** The tag SageMaker Studio lists Service Catalog products by. */
export const STUDIO_VISIBILITY_TAG = { key: 'sagemaker:studio-visibility', value: 'true' } as const;

/**
 * The project-template module in the dev account (the one with SageMaker Studio): a Service Catalog
 * portfolio shared with the Studio principals, the project template as its one product (tagged so that
 * Studio lists it) with a least-privilege launch role constraint, the seed code and tools as assets, and the
 * SSM parameters the reference's seed code and scripts read.
 */
export class ProjectTemplateStack extends Stack {
  public readonly portfolio: servicecatalog.Portfolio;
  public readonly product: servicecatalog.CloudFormationProduct;
  public readonly productStack: ProjectProduct;
  public readonly launchRole: iam.Role;
  /** The product template's URL: also usable as `AWS::SageMaker::Project` `TemplateProviderDetails` `TemplateURL`. */
  public readonly templateUrl: string;

  constructor(scope: Construct, id: string, props: ProjectTemplateStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The seeds and tools, as assets of this stack: the product template names them literally.
    const asset = (id: string, path: string) => new assets.Asset(this, id, { path });
    const seeds = {
      build: asset('BuildSeedCode', props.seedCodeDirs.build),
      deploy: asset('DeploySeedCode', props.seedCodeDirs.deploy),
      endpointTestTool: asset('EndpointTestTool', bundlePath('endpoint-test')),
      securityEvaluationTool: asset('SecurityEvaluationTool', securityEvaluationBundle()),
    };
    const literal = (value: string, what: string): string => {
      const resolved = this.resolve(value);
      if (typeof resolved !== 'string' || Token.isUnresolved(resolved)) {
        throw new Error(`ProjectTemplateStack: the ${what} must be known at synth time (give the stack an account and region), got ${JSON.stringify(resolved)}`);
      }
      return resolved;
    };
    const assetBucket = literal(seeds.build.s3BucketName, 'asset bucket name');
    const objectOf = (a: assets.Asset, what: string) => ({ bucket: assetBucket, key: literal(a.s3ObjectKey, what) });

    // The product reads the key ARN at launch from this stack's SSM parameter (one region: the product's own).
    const store = props.deploymentRegionStore;
    if (store) {
      new ssm.StringParameter(this, 'DeployArtifactBucket', { parameterName: SSM_PARAMETERS.deployArtifactBucket, stringValue: store.bucketName });
      new ssm.StringParameter(this, 'DeployArtifactKeyArn', { parameterName: SSM_PARAMETERS.deployArtifactKeyArn, stringValue: store.keyArn });
    }
    this.productStack = new ProjectProduct(this, 'ProjectTemplate', {
      config,
      deploymentRegionStore: store && { bucketName: literal(store.bucketName, 'deployment region bucket name'), keyArnParameter: SSM_PARAMETERS.deployArtifactKeyArn },
      seeds: {
        build: objectOf(seeds.build, 'build seed key'),
        deploy: objectOf(seeds.deploy, 'deploy seed key'),
        endpointTestTool: objectOf(seeds.endpointTestTool, 'endpoint-test key'),
        securityEvaluationTool: objectOf(seeds.securityEvaluationTool, 'security-evaluation key'),
      },
    });

    this.portfolio = new servicecatalog.Portfolio(this, 'Portfolio', {
      displayName: config.portfolioName,
      providerName: config.portfolioOwner,
      description: 'SageMaker project templates of the organization (sagemaker-mlops-cdk project-template)',
    });
    const principals = config.portfolioPrincipalArns ?? [ssm.StringParameter.valueForStringParameter(this, LEAD_ROLE_PARAMETER)];
    principals.forEach((arn, index) => this.portfolio.giveAccessToRole(iam.Role.fromRoleArn(this, `Principal${index}`, arn, { mutable: false })));

    const template = servicecatalog.CloudFormationTemplate.fromProductStack(this.productStack);
    this.product = new servicecatalog.CloudFormationProduct(this, 'Product', {
      productName: 'SageMaker project: build, train and deploy across accounts',
      owner: config.portfolioOwner,
      description:
        'Creates the shared resources (artifact bucket, model package group, pipeline bucket, image repository), ' +
        'a build pipeline that trains and registers the model, and a deploy pipeline that deploys it to dev, preprod and prod.',
      productVersions: [{ productVersionName: config.productVersion, cloudFormationTemplate: template, validateTemplate: true }],
    });
    Tags.of(this.product).add(STUDIO_VISIBILITY_TAG.key, STUDIO_VISIBILITY_TAG.value);
    this.portfolio.addProduct(this.product);

    this.launchRole = new LaunchRole(this, 'LaunchRole', {
      assetBucketName: assetBucket,
      connectionArn: config.repository.type === 'codeconnections' ? config.repository.connectionArn : undefined,
      permissionsBoundaryArn: config.permissionsBoundaryName
        ? this.formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: config.permissionsBoundaryName })
        : undefined,
      resolvedParameterNames: store ? [SSM_PARAMETERS.deployArtifactKeyArn] : [],
    }).role;
    this.portfolio.setLaunchRole(this.product, this.launchRole, { description: 'Least-privilege launch role of the SageMaker project template' });
    this.templateUrl = template.bind(this).httpUrl;

    // The reference's parameters, for the seed code's scripts and other modules.
    const parameters: Array<[string, string, string]> = [
      ['SeedBucket', SSM_PARAMETERS.seedBucket, assetBucket],
      ['BuildSeed', SSM_PARAMETERS.buildSeed, seeds.build.s3ObjectKey],
      ['DeploySeed', SSM_PARAMETERS.deploySeed, seeds.deploy.s3ObjectKey],
      ['EndpointTestToolKey', SSM_PARAMETERS.endpointTestTool, seeds.endpointTestTool.s3ObjectKey],
      ['SecurityEvaluationToolKey', SSM_PARAMETERS.securityEvaluationTool, seeds.securityEvaluationTool.s3ObjectKey],
      ['DevAccount', SSM_PARAMETERS.devAccount, this.account],
      ['PreProdAccount', SSM_PARAMETERS.preprodAccount, config.preprodAccount],
      ['PreProdRegion', SSM_PARAMETERS.preprodRegion, config.deploymentRegion],
      ['ProdAccount', SSM_PARAMETERS.prodAccount, config.prodAccount],
      ['ProdRegion', SSM_PARAMETERS.prodRegion, config.deploymentRegion],
    ];
    for (const [id, parameterName, stringValue] of parameters) new ssm.StringParameter(this, id, { parameterName, stringValue });

    const provisioningArtifactId = (this.product.node.defaultChild as servicecatalog.CfnCloudFormationProduct).attrProvisioningArtifactIds;
    const outputs: Record<string, string> = {
      PortfolioId: this.portfolio.portfolioId,
      ProductId: this.product.productId,
      ProvisioningArtifactId: provisioningArtifactId,
      LaunchRoleArn: this.launchRole.roleArn,
      ProductTemplateUrl: this.templateUrl,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });

  }
}
