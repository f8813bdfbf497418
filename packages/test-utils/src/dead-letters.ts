/** A rule target of a template that names a dead-letter queue. */
export interface DeadLetterTarget {
  /** Logical id of the `AWS::Events::Rule`. */
  readonly ruleId: string;
  /** Logical id of the queue its target dead-letters to. */
  readonly queueId: string;
  /**
   * Whether a queue policy lets EventBridge send there for exactly that rule (`sqs:SendMessage` for
   * `events.amazonaws.com` with `aws:SourceArn` the rule's ARN), which EventBridge needs to deliver a
   * failed event ("Using dead-letter queues to process undelivered events", Amazon EventBridge User Guide).
   */
  readonly deliverable: boolean;
}

/** Every rule target with a dead-letter queue in a synthesized template, and whether its failed deliveries would land. */
export function deadLetterTargets(template: Record<string, any>): DeadLetterTarget[] {
  const resources = (template.Resources ?? {}) as Record<string, any>;
  const targets: DeadLetterTarget[] = [];
  for (const [ruleId, rule] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule')) {
    for (const target of rule.Properties?.Targets ?? []) {
      const queueId = target.DeadLetterConfig?.Arn?.['Fn::GetAtt']?.[0];
      if (!queueId) continue;
      const deliverable = Object.values(resources).some(
        (r) =>
          r.Type === 'AWS::SQS::QueuePolicy' &&
          r.Properties.Queues.some((q: any) => q.Ref === queueId) &&
          r.Properties.PolicyDocument.Statement.some(
            (s: any) =>
              s.Effect === 'Allow' &&
              s.Principal?.Service === 'events.amazonaws.com' &&
              [s.Action].flat().includes('sqs:SendMessage') &&
              JSON.stringify(s.Condition?.ArnEquals?.['aws:SourceArn']) === JSON.stringify({ 'Fn::GetAtt': [ruleId, 'Arn'] }),
          ),
      );
      targets.push({ ruleId, queueId, deliverable });
    }
  }
  return targets;
}
