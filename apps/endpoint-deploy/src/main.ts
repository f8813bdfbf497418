import { App, Validations } from 'aws-cdk-lib';
import { ConfigError, loadModuleConfig } from '@sagemaker-mlops/config';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildEndpointDeployApp } from './app';
import { endpointDeployParameters, resolveEndpointDeployConfig } from './config';

const app = new App();
try {
  // Configuration is validated once, here: a ConfigError stops the synth before any template exists.
  const configPath = app.node.tryGetContext('config') as string | undefined;
  const { module, parameters } = loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', configPath });
  buildEndpointDeployApp(app, module, resolveEndpointDeployConfig(parameters, module));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
