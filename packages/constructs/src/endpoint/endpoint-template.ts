import { Aws, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import { acknowledgeGrantWildcards, nagNotation, onlyResourcesOf } from '../nag';
import { assetSourceAction } from '../bundled-tool';
import { EndpointStack, EndpointStackProps } from './endpoint-stack';
import { Construct } from 'constructs';

/** What the endpoint template is built from: the props of `EndpointStack` without stack-level settings. */
export interface EndpointTemplateProps extends Omit<EndpointStackProps, 'env' | 'synthesizer' | 'stackName' | 'modelArtifactKeyArn'> {
  /**
   * Region of the model artifact bucket and of the key that encrypts it, both in `modelRegistryAccount`.
   *
   * The key is created with this module, so its ARN is unknown when the template is synthesized; the
   * execution role may decrypt with keys of the registry account through S3 in that region, and the
   * key's policy names the execution roles that may.
   *
   * @default - the artifacts are not encrypted with a customer managed key
   */
  readonly modelArtifactKeyRegion?: string;
}

/**
 * The endpoint stack, synthesized when this module is synthesized, shipped as a zip asset that a
 * pipeline source action fetches. The pipeline deploys this one template to every stage with
 * per-stage parameters, so nothing at pipeline run time runs CDK or installs packages.
 *
 * The stack lives in a Stage of its own (a nested cloud assembly): `cdk deploy --all` deploys
 * top-level stacks only, so it is never deployed into this account by the module itself.
 */
export class EndpointTemplate extends Construct {
  /** The endpoint stack, for inspection. */
  public readonly endpointStack: EndpointStack;
  /** The zip holding the template. */
  public readonly asset: assets.Asset;
  /** The template's file name inside the zip. */
  public readonly templateFile: string;

  constructor(scope: Construct, id: string, props: EndpointTemplateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const parent = Stage.of(stack);
    if (!parent) throw new Error(`${this.node.path}: the stack must be inside an App or Stage`);
    // The stage sits beside the stack, not in it, so that the stack's synthesis never visits it.
    const stage = new Stage(parent, `${stack.node.id}-EndpointTemplate`);
    const { modelArtifactKeyRegion, ...stackProps } = props;
    this.endpointStack = new EndpointStack(stage, 'Endpoint', stackProps);
    if (modelArtifactKeyRegion) this.allowArtifactDecryption(props.modelRegistryAccount, modelArtifactKeyRegion);
    const artifact = stage.synth().getStackArtifact(this.endpointStack.artifactId);
    this.templateFile = artifact.templateFile;
    this.asset = new assets.Asset(this, 'Template', {
      path: stage.outdir,
      // Only the template: the nested assembly's manifest and tree are of no use to CloudFormation.
      exclude: ['*', `!${this.templateFile}`],
    });
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(stack.resolve(this.asset.s3BucketName)),
        reason: 'CodePipeline reads the one endpoint template object from the CDK asset bucket (CDK-generated source action grant).',
      },
    ]);
  }

  private allowArtifactDecryption(registryAccount: string, keyRegion: string): void {
    const role = this.endpointStack.executionRole;
    const keys = `arn:${Aws.PARTITION}:kms:${keyRegion}:${registryAccount}:key/*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptModelArtifactsViaS3',
        actions: ['kms:Decrypt'],
        resources: [keys],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${keyRegion}.${Aws.URL_SUFFIX}` } },
      }),
    );
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagNotation(Stack.of(role).resolve(keys))}]`,
      reason:
        "The artifact key is created with the deploy module, after this template is synthesized, so its id is unknown here; " +
        "decryption is limited to S3 in the registry account's region, and that key's policy names this role.",
    });
  }

  /** A source action that fetches the template zip into `output`; it never polls. */
  sourceAction(output: codepipeline.Artifact, actionName = 'EndpointTemplate'): actions.S3SourceAction {
    return assetSourceAction(this.asset, output, actionName);
  }
}
