// Lambda handler of the custom resource implementing retain_on_delete (CDK custom_resources.Provider).
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { handleCleanupEvent, type CleanupResourceEvent, type CleanupResourceResponse } from '../promote/cleanup-handler';

let sagemaker: SageMakerClient | undefined;

/** The Provider framework's onEvent handler. */
export async function handler(event: CleanupResourceEvent): Promise<CleanupResourceResponse> {
  sagemaker ??= new SageMakerClient({ maxAttempts: 3, retryMode: 'adaptive' });
  return handleCleanupEvent(event, { sagemaker });
}
