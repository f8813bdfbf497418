import type { renderForCloudFormation } from '../../core/placeholders';

// What the Build step and the batch-promotion stage template agree on when the VPC comes from SSM parameter names.
// No SDK and no TypeScript compiler here: the CDK app imports this through the library's index.

/** The stage template with the stage's definition inlined (VPC from SSM parameter names only). */
export const stageTemplateFile = (stage: string) => `${stage}-template.json`;

/**
 * The parameters of the stage template that resolve the VPC in the stage account (SSM parameter types), and the
 * placeholders of the definition they fill.
 */
export const VPC_TEMPLATE_PARAMETERS = { subnets: 'VpcSubnetIds', securityGroups: 'VpcSecurityGroupIds' } as const;

/**
 * The largest template this step writes: "Template body size in an Amazon S3 object: 1 MB" (AWS CloudFormation
 * quotas, AWS CloudFormation User Guide); CreatePipeline's PipelineDefinition is at most 1,048,576 characters too.
 */
export const MAX_INLINED_TEMPLATE_BYTES = 1_000_000;
/** A stage template with its definition inlined, and the parameters it no longer declares. */
export interface InlinedTemplate {
  readonly template: string;
  readonly removedParameters: readonly string[];
}

/**
 * The stage template with the definition inlined as `PipelineDefinition.PipelineDefinitionBody` (`Fn::Sub`), in
 * place of the S3 location the pre-synthesized template reads: the one AWS::SageMaker::Pipeline resource is changed,
 * nothing else. The template must declare the SSM-typed VPC parameters the definition's variables reference.
 */
export function inlineDefinition(templateJson: string, definition: ReturnType<typeof renderForCloudFormation>): InlinedTemplate | { problem: string } {
  const template = JSON.parse(templateJson) as { Parameters?: Record<string, { Type?: string }>; Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  const pipelines = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::SageMaker::Pipeline');
  if (pipelines.length !== 1) return { problem: `holds ${pipelines.length} AWS::SageMaker::Pipeline resources; expected exactly one` };
  for (const parameter of Object.values(VPC_TEMPLATE_PARAMETERS)) {
    const type = template.Parameters?.[parameter]?.Type ?? '';
    if (!type.startsWith('AWS::SSM::Parameter::Value<List<')) {
      return { problem: `declares no SSM-typed list parameter ${parameter} (got ${type || 'none'}): it was synthesized without VPC parameter names; synthesize the module again` };
    }
  }
  const replaced = JSON.stringify(pipelines[0].Properties?.PipelineDefinition ?? {});
  pipelines[0].Properties = { ...pipelines[0].Properties, PipelineDefinition: { PipelineDefinitionBody: definition } };
  // A parameter only the S3 location referenced (the definition's key) would be unused (cfn-lint W2001): it goes, and
  // the template configuration must not pass it either (CloudFormation refuses undeclared parameters).
  const removedParameters: string[] = [];
  for (const name of referencedParameters(replaced)) {
    if (!JSON.stringify(template).includes(JSON.stringify({ Ref: name })) && template.Parameters?.[name]) {
      delete template.Parameters[name];
      removedParameters.push(name);
    }
  }
  const out = JSON.stringify(template);
  if (Buffer.byteLength(out) > MAX_INLINED_TEMPLATE_BYTES) {
    return { problem: `with the definition inlined is ${Buffer.byteLength(out)} bytes, above the ${MAX_INLINED_TEMPLATE_BYTES} CloudFormation takes; give the VPC as ids (the definition is then read from S3), or make the definition smaller` };
  }
  return { template: out, removedParameters };
}

function referencedParameters(json: string): string[] {
  return [...json.matchAll(/\{"Ref":"([A-Za-z0-9]+)"\}/g)].map((m) => m[1]);
}

