import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig, printPrerequisites } from '@sagemaker-mlops/config';
import { controlTowerValidator } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPromoteApp, promotePrerequisites } from './app';
import { checkAgainstModule, promoteParameters } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  // One phase: the cross-field checks run with every parameter that passed the schema, and one error lists both.
  const { module, parameters } = loadModuleConfig(promoteParameters, { appName: 'promote', configPath, resolve: checkAgainstModule });
  buildPromoteApp(app, module, parameters);
  printPrerequisites(promotePrerequisites(module, parameters));
});
// AWS Control Tower proactive controls (every bundled rule that names a resource type of the templates):
// landing zones that enable them refuse non-compliant stacks at deploy time, so the synth refuses them first.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerValidator());
app.synth();
