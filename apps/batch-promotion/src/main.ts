// Placeholder until the app is built (issue tracker): synthesizes nothing.
import { App } from 'aws-cdk-lib';

new App().synth();
