import { z } from 'zod';

// Value schemas the project modules (batch-promotion, endpoint-deploy, project-template) share:
// the SageMaker project, the CDK bootstrap, the permissions boundary, the VPC of the jobs and the
// approval e-mail addresses.

const PROJECT_NAME = /^[a-zA-Z](-*[a-zA-Z0-9])*$/;
const PROJECT_ID = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/**
 * A SageMaker project name (CreateProject ProjectName: 1 to 32 characters).
 *
 * @param required the message when the parameter is not set
 */
export function sagemakerProjectName(required = 'required, but not set; give the SageMaker project name') {
  return z
    .string({ error: (i) => (i.input === undefined ? required : 'expected a text value') })
    .min(1, 'give 1 to 32 characters')
    .max(32, 'the SageMaker project name has at most 32 characters')
    .regex(PROJECT_NAME, 'must start with a letter and contain only letters, digits and single hyphens, not ending with a hyphen');
}

/**
 * A SageMaker project id, such as p-abc123def456.
 *
 * @param required the message when the parameter is not set
 */
export function sagemakerProjectId(required = 'required, but not set; give the SageMaker project id (e.g. p-abc123def456)') {
  return z
    .string({ error: (i) => (i.input === undefined ? required : 'expected a text value') })
    .min(1, 'give 1 to 20 characters')
    .max(20, 'the SageMaker project id has at most 20 characters (SageMaker ids look like p-abc123def456)')
    .regex(PROJECT_ID, 'may contain only letters, digits and single hyphens, starting and ending with a letter or digit');
}

/** The qualifier given to `cdk bootstrap --qualifier` (1 to 10 lowercase letters or digits). */
export const cdkBootstrapQualifier = z.string().regex(/^[a-z0-9]{1,10}$/, "expected the 1 to 10 lowercase letters or digits given to 'cdk bootstrap --qualifier'");

/** The name (not the ARN) of a managed policy used as permissions boundary. */
export const permissionsBoundaryName = z.string().regex(/^[\w+=,.@-]{1,128}$/, 'must be the name of a managed policy in this account (not an ARN)');

export const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected a subnet id such as subnet-0123456789abcdef0');
export const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group id such as sg-0123456789abcdef0');

/** An SSM parameter name (with or without a leading `/`, not an ARN, not in the reserved aws / ssm namespaces). */
export const ssmParameterName = z
  .string()
  .regex(/^(\/[\w.-]+)+$|^[\w.-]+$/, 'expected an SSM parameter name such as /mlops/vpc/private-subnet-ids (a name, not an ARN)')
  .max(1011)
  .refine((n) => !/^\/?(aws|ssm)/i.test(n), 'SSM parameter names must not start with aws or ssm');

export const emailAddress = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an e-mail address');
