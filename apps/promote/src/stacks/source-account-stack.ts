import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { ModelRegistryAccess } from '@sagemaker-mlops/constructs';
import { EventForwardingRule, modelPackageStateChange } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';
import type { SourceAccountParameters } from '../config';

export interface SourceAccountStackProps extends StackProps {
  readonly parameters: SourceAccountParameters;
}

/**
 * One-time setup in the source account: the target accounts may read the group, and the group's
 * Approved/Rejected events are forwarded to the bus the promote rule listens on.
 */
export class SourceAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: SourceAccountStackProps) {
    super(scope, id, props);
    const p = props.parameters;
    const access = new ModelRegistryAccess(this, 'RegistryAccess', {
      groupName: p.model_package_group_name,
      consumerAccounts: p.target_accounts,
      createGroup: p.create_model_package_group,
      retainOnDelete: p.retain_on_delete,
    });
    const forwarding = new EventForwardingRule(this, 'ForwardStateChanges', {
      description: `Forwards Approved/Rejected events of ${p.model_package_group_name} to ${p.target_event_bus_arn.arn}`,
      eventPattern: modelPackageStateChange({
        groupNames: [p.model_package_group_name],
        sourceAccounts: [this.account],
        statuses: { include: ['Approved', 'Rejected'] },
      }),
      targetEventBusArn: p.target_event_bus_arn.arn,
    });
    const outputs = {
      ModelPackageGroupArn: access.groupArn,
      ForwardingRuleArn: forwarding.rule.ruleArn,
      ForwardingRuleName: forwarding.rule.ruleName,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });
  }
}
