import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig, printPrerequisites } from '@sagemaker-mlops/config';
import { controlTowerValidator } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildEndpointDeployApp, endpointDeployPrerequisites } from './app';
import { endpointDeployParameters, resolveEndpointDeployConfig } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  // One phase: the cross-field checks run with every parameter that passed the schema, and one error lists both.
  const { module, config } = loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', configPath, resolve: resolveEndpointDeployConfig });
  buildEndpointDeployApp(app, module, config);
  printPrerequisites(endpointDeployPrerequisites(module, config));
});
// AWS Control Tower proactive controls (every bundled rule that names a resource type of the templates):
// landing zones that enable them refuse non-compliant stacks at deploy time, so the synth refuses them first.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerValidator());
app.synth();
