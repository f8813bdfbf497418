import { Pipeline } from '../core/pipeline';
import { type SeedPipelineOptions, seedParts } from './common';

/**
 * The training pipeline of a build repository (seed 004's build app, model-cicd's example):
 * PreprocessData → TrainModel → EvaluateModel → MSECond → RegisterModel (ModelApprovalStatus,
 * PendingManualApproval by default); MSEFail otherwise.
 */
export function trainingPipeline(options: SeedPipelineOptions): Pipeline {
  const parts = seedParts(options, 'training');
  const { parameters: p } = parts;
  return new Pipeline({
    name: parts.name,
    parameters: [p.processingInstanceCount, p.processingInstanceType, p.trainingInstanceCount, p.trainingInstanceType, p.mseThreshold, p.inputDataUrl, p.modelApprovalStatus, ...parts.accountParameters],
    steps: [parts.preprocess, parts.train, parts.evaluate, parts.condition([parts.register()])],
  });
}
