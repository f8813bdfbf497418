import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig } from '@sagemaker-mlops/config';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildEndpointDeployApp } from './app';
import { endpointDeployParameters, resolveEndpointDeployConfig } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  const { module, parameters } = loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', configPath });
  buildEndpointDeployApp(app, module, resolveEndpointDeployConfig(parameters, module));
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
