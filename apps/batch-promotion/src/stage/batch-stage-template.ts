import { Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import { acknowledgeGrantWildcards, assetSourceAction, onlyResourcesOf } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import { BatchStageStack, type BatchStageStackProps } from './batch-stage-stack';

export type BatchStageTemplateProps = Omit<BatchStageStackProps, 'env' | 'synthesizer' | 'stackName'>;

/**
 * The stage template, synthesized when this module is synthesized and shipped as a zip asset that a pipeline source
 * action fetches: nothing at pipeline run time runs CDK (docs/adr/0005). The stack lives in a Stage of its own beside
 * the module's stack, so `cdk deploy --all` never deploys it into the dev account.
 */
export class BatchStageTemplate extends Construct {
  /** The stage stack, for inspection. */
  public readonly stageStack: BatchStageStack;
  public readonly asset: assets.Asset;
  /** The template's file name inside the zip. */
  public readonly templateFile: string;

  constructor(scope: Construct, id: string, props: BatchStageTemplateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const parent = Stage.of(stack);
    if (!parent) throw new Error(`${this.node.path}: the stack must be inside an App or Stage`);
    const stage = new Stage(parent, `${stack.node.id}-StageTemplate`);
    this.stageStack = new BatchStageStack(stage, 'BatchInference', props);
    const artifact = stage.synth().getStackArtifact(this.stageStack.artifactId);
    this.templateFile = artifact.templateFile;
    this.asset = new assets.Asset(this, 'Template', { path: stage.outdir, exclude: ['*', `!${this.templateFile}`] });
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(stack.resolve(this.asset.s3BucketName)),
        reason: 'CodePipeline reads the one stage template object from the CDK asset bucket (CDK-generated source action grant).',
      },
    ]);
  }

  /** A source action that fetches the template zip into `output`; it never polls. */
  sourceAction(output: codepipeline.Artifact, actionName = 'StageTemplate'): actions.S3SourceAction {
    return assetSourceAction(this.asset, output, actionName);
  }
}
