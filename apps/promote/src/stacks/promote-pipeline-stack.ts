import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PipelineParameters } from '../config';
import { PromotePipeline } from '../constructs/promote-pipeline';
import { PromotionCleanup } from '../constructs/promotion-cleanup';

export interface PromotePipelineStackProps extends StackProps {
  readonly parameters: PipelineParameters;
}

/**
 * The promote module in the target account: pipeline, optional trigger rule, and the cleanup that
 * gives `retain_on_delete` its meaning. Outputs match the seed document, plus Seedfarmer `metadata`.
 */
export class PromotePipelineStack extends Stack {
  public readonly promote: PromotePipeline;

  constructor(scope: Construct, id: string, props: PromotePipelineStackProps) {
    super(scope, id, props);
    const p = props.parameters;
    const targetGroupName = p.target_model_package_group_name ?? p.source_model_package_group_arn.name;

    this.promote = new PromotePipeline(this, 'Promote', {
      sourceGroup: p.source_model_package_group_arn,
      targetBucket: s3.Bucket.fromBucketName(this, 'TargetBucket', p.target_bucket_name),
      targetGroupName,
      artifactKey: p.kms_key_arn ? kms.Key.fromKeyArn(this, 'ArtifactKey', p.kms_key_arn.arn) : undefined,
      eventBus: p.event_bus_name ? events.EventBus.fromEventBusName(this, 'EventBus', p.event_bus_name) : undefined,
      projectId: p.sagemaker_project_id,
      projectName: p.sagemaker_project_name,
      promotedBy: this.stackName,
      serverAccessLogsBucket: p.s3_access_logs_bucket_arn
        ? s3.Bucket.fromBucketArn(this, 'AccessLogsBucket', p.s3_access_logs_bucket_arn.arn)
        : undefined,
    });
    new PromotionCleanup(this, 'PromotionCleanup', {
      targetGroupName,
      promotedBy: this.stackName,
      retainOnDelete: p.retain_on_delete,
      encryptionKey: this.promote.key,
    });

    const outputs: Record<string, string> = {
      PipelineArn: this.promote.pipeline.pipelineArn,
      PipelineName: this.promote.pipeline.pipelineName,
    };
    if (this.promote.rule) {
      outputs.EventRuleArn = this.promote.rule.ruleArn;
      outputs.EventRuleName = this.promote.rule.ruleName;
    }
    // Source accounts grant this role read access to their artifact buckets and keys.
    outputs.PromoteRoleArn = this.promote.role.roleArn;
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });
  }
}
