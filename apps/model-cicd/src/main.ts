import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig, printPrerequisites } from '@sagemaker-mlops/config';
import { controlTowerValidator } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildModelCicdApp, modelCicdPrerequisites } from './app';
import { modelCicdParameters, resolveModelCicdConfig } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  // One phase: the cross-field checks run with every parameter that passed the schema, and one error lists both.
  const { module, parameters, config } = loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', configPath, resolve: resolveModelCicdConfig });
  buildModelCicdApp(app, module, config, parameters);
  printPrerequisites(modelCicdPrerequisites(module, config));
});
// AWS Control Tower proactive controls next to cdk-nag: landing zones that enable them refuse non-compliant stacks at deploy time.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerValidator());
app.synth();
