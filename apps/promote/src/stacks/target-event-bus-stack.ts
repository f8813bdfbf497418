import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { CrossAccountEventBus } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';
import type { EventBusParameters } from '../config';

export interface TargetEventBusStackProps extends StackProps {
  readonly parameters: EventBusParameters;
}

/** In the target account: the bus the promote rule listens on, open to the source accounts only. */
export class TargetEventBusStack extends Stack {
  constructor(scope: Construct, id: string, props: TargetEventBusStackProps) {
    super(scope, id, props);
    const bus = new CrossAccountEventBus(this, 'ModelRegistryEvents', {
      eventBusName: props.parameters.event_bus_name,
      sourceAccounts: props.parameters.source_accounts,
    });
    const outputs = { EventBusArn: bus.eventBus.eventBusArn, EventBusName: bus.eventBus.eventBusName };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });
  }
}
