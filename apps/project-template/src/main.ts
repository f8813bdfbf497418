import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig, printPrerequisites } from '@sagemaker-mlops/config';
import { controlTowerValidator } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildProjectTemplateApp, projectTemplatePrerequisites } from './app';
import { projectTemplateParameters, resolveProjectTemplateConfig } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  const { module, parameters } = loadModuleConfig(projectTemplateParameters, { appName: 'project-template', configPath });
  const config = resolveProjectTemplateConfig(parameters, module);
  buildProjectTemplateApp(app, module, config);
  printPrerequisites(projectTemplatePrerequisites(module, config));
});
// AWS Control Tower proactive controls (every bundled rule that names a resource type of the templates):
// landing zones that enable them refuse non-compliant stacks at deploy time, so the synth refuses them first.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerValidator());
app.synth();
