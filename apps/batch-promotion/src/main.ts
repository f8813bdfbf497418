import { App, Validations } from 'aws-cdk-lib';
import { exitOnConfigError, loadModuleConfig, printPrerequisites } from '@sagemaker-mlops/config';
import { controlTowerValidator } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { batchPromotionPrerequisites, buildBatchPromotionApp } from './app';
import { batchPromotionParameters, resolveBatchPromotionConfig } from './config';

const app = new App();
// Configuration is validated once, here: a ConfigError stops the synth before any template exists.
exitOnConfigError(() => {
  const configPath = app.node.tryGetContext('config') as string | undefined;
  const { module, parameters } = loadModuleConfig(batchPromotionParameters, { appName: 'batch-promotion', configPath });
  const config = resolveBatchPromotionConfig(parameters, module);
  buildBatchPromotionApp(app, module, config);
  printPrerequisites(batchPromotionPrerequisites(module, config));
});
// AWS Control Tower proactive controls: landing zones that enable them refuse non-compliant stacks at deploy time.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerValidator());
app.synth();
