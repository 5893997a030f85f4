import * as fs from 'node:fs';
import { App } from 'cdktf';
import type { Cloud } from '../lib/constants';
import { stackName } from '../lib/naming';
import type { ResolvedSpec } from '../lib/resolve';
import { backend } from './backend';

/** The Terraform clouds, each loaded only when asked for (a provider costs ~1 s to load). */
const TERRAFORM_STACKS: Record<Exclude<Cloud, 'aws'>, (app: App, spec: ResolvedSpec) => void> = {
  gcp: (app, spec) => {
    const { GcpBlueprintStack } = backend('gcp', () => require('./gcp-stack') as typeof import('./gcp-stack'));
    new GcpBlueprintStack(app, stackName(spec.name, spec.environment, 'gcp'), { spec });
  },
  azure: (app, spec) => {
    const { AzureBlueprintStack } = backend('azure', () => require('./azure-stack') as typeof import('./azure-stack'));
    // The deploy inputs from the environment (BLUEPRINT_AZURE_*) are already in the spec (lib/load.ts).
    new AzureBlueprintStack(app, stackName(spec.name, spec.environment, 'azure'), { spec });
  },
};

/**
 * Builds the CDKTF app for the GCP and Azure stacks of `spec` into `outdir`
 * (`<outdir>/stacks/<stack>/cdk.tf.json`). Returns the stack names written.
 */
export function synthTerraform(spec: ResolvedSpec, outdir: string, clouds: readonly Cloud[]): string[] {
  // cdktf creates only the last directory level itself.
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, skipValidation: false });
  const written: string[] = [];
  for (const cloud of clouds) {
    if (cloud === 'aws') continue;
    TERRAFORM_STACKS[cloud](app, spec);
    written.push(stackName(spec.name, spec.environment, cloud));
  }
  if (written.length > 0) app.synth();
  return written;
}
