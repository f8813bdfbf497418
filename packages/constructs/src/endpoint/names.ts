/**
 * The longest name SageMaker accepts for an endpoint.
 */
export const MAX_ENDPOINT_NAME_LENGTH = 63;

/**
 * The longest name IAM accepts for a role.
 */
export const MAX_ROLE_NAME_LENGTH = 64;

/**
 * The name of the real-time endpoint of a project in a stage: `<projectName>-<projectId>-<stageName>`.
 * Including the stage keeps the endpoints of several stages apart when they share one account.
 *
 * Any argument may be a CDK token (e.g. the `StageName` parameter of `EndpointStack`); the result is then
 * a token too.
 */
export function endpointName(projectName: string, projectId: string, stageName: string): string {
  return `${projectName}-${projectId}-${stageName}`;
}

/**
 * The name of the role a stage's endpoint test assumes: `<endpointName>-test`. It may describe and invoke
 * that one endpoint, nothing else.
 */
export function endpointTestRoleName(projectName: string, projectId: string, stageName: string): string {
  return `${endpointName(projectName, projectId, stageName)}-test`;
}

/**
 * The name of the role SageMaker assumes to run a stage's model: `<endpointName>-exec`. Being predictable,
 * it can be named in the model registry account's artifact bucket and key policies.
 */
export function endpointExecutionRoleName(projectName: string, projectId: string, stageName: string): string {
  return `${endpointName(projectName, projectId, stageName)}-exec`;
}
