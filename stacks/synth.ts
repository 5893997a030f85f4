import * as path from 'node:path';
import type { Cloud } from '../lib/constants';
import type { ResolvedSpec } from '../lib/resolve';
import { backend } from './backend';

/** What one synth wrote, per cloud. */
export interface SynthResult {
  readonly cloud: Cloud;
  readonly stackName: string;
  /** The file that holds the stack (CloudFormation template or cdk.tf.json). */
  readonly file: string;
}

/**
 * Synthesizes the chosen clouds of one resolved spec: `<out>/aws/` (a CDK cloud assembly with
 * the policy gates on) and `<out>/terraform/stacks/<stack>/cdk.tf.json`. Engines are loaded
 * lazily, so a GCP-only synth never loads aws-cdk-lib and vice versa.
 */
export function synthesize(spec: ResolvedSpec, outDir: string, clouds: readonly Cloud[]): SynthResult[] {
  const results: SynthResult[] = [];
  if (clouds.includes('aws')) {
    const { synthAws } = backend('aws', () => require('./aws-stack') as typeof import('./aws-stack'));
    const aws = synthAws(spec, path.join(outDir, 'aws'));
    results.push({ cloud: 'aws', stackName: aws.stackName, file: aws.templateFile });
  }
  const terraformClouds = clouds.filter((c) => c !== 'aws');
  if (terraformClouds.length > 0) {
    const first = terraformClouds[0] as Exclude<Cloud, 'aws'>;
    const { synthTerraform } = backend(first, () => require('./terraform-app') as typeof import('./terraform-app'));
    const terraformDir = path.join(outDir, 'terraform');
    const names = synthTerraform(spec, terraformDir, terraformClouds);
    names.forEach((stackName, i) => {
      results.push({
        cloud: terraformClouds[i] as Cloud,
        stackName,
        file: path.join(terraformDir, 'stacks', stackName, 'cdk.tf.json'),
      });
    });
  }
  return results;
}
