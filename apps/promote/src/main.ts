import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig } from '@sagemaker-mlops/config';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPromoteApp } from './app';
import { checkAgainstModule, promoteParameters } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  const { module, parameters } = loadModuleConfig(promoteParameters, { appName: 'promote', configPath });
  checkAgainstModule(parameters, module);
  buildPromoteApp(app, module, parameters);
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
