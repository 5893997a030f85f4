import * as os from 'node:os';
import * as path from 'node:path';
import type { Cloud } from '../lib/constants';
import type { ResolvedSpec } from '../lib/resolve';
import { assertZonesCached } from './aws-context';
import { backend } from './backend';
import { SyncWorker } from './sync-worker';

/** What one synth wrote, per cloud. */
export interface SynthResult {
  readonly cloud: Cloud;
  readonly stackName: string;
  /** The file that holds the stack (CloudFormation template or cdk.tf.json). */
  readonly file: string;
}

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /**
   * Run the AWS policy gates (built-in CloudFormation validation, cdk-nag, Control Tower guard
   * rules) and refuse unacknowledged findings. Off for tools that only read the output (diff,
   * diagrams, tests of the output); the templates are the same either way.
   * @default true
   */
  readonly checks?: boolean;
  /**
   * Synthesize the Terraform clouds in a worker thread while the AWS stack is built on this one
   * (each engine loads only in its own thread), when both are asked for, the machine has more
   * than one core, and this code runs compiled (a worker cannot load TypeScript sources).
   * @default true
   */
  readonly parallel?: boolean;
  /**
   * Keep the Terraform worker, with its providers loaded, for another synth in this process
   * (a diff synthesizes two specs). Otherwise it ends, and frees its memory, as soon as the
   * Terraform files are written.
   * @default false
   */
  readonly keepWorkers?: boolean;
}

/** The Terraform half of a synth in a worker: loads cdktf and the providers there, nowhere else. */
const TERRAFORM_WORKER = `
const { backend } = require(__wd.backend);
const { reviveSpec } = require(__wd.resolve);
// Loaded with the first request: a missing engine is reported as backend() words it, for that cloud.
let app;
serve(({ spec, outdir, clouds }) => {
  app ??= backend(clouds[0], () => require(__wd.terraformApp));
  return app.synthTerraform(reviveSpec(spec), outdir, clouds);
});
`;

/** A Terraform synth running in a worker: `collect` waits for its stack names. */
interface TerraformRun {
  readonly collect: () => string[];
}

/** How long an idle Terraform worker keeps its engine (a diff synthesizes twice in one process). */
const TERRAFORM_IDLE_MS = 10_000;
let terraformWorker: SyncWorker | undefined;
let terraformIdle: NodeJS.Timeout | undefined;

/** The process's Terraform worker, started on first use; it stops after TERRAFORM_IDLE_MS unused. */
function terraformThread(): SyncWorker {
  if (terraformIdle) clearTimeout(terraformIdle);
  if (terraformWorker?.closing) terraformWorker = undefined;
  terraformWorker ??= new SyncWorker(TERRAFORM_WORKER, {
    terraformApp: require.resolve('./terraform-app'),
    backend: require.resolve('./backend'),
    resolve: require.resolve('../lib/resolve'),
  });
  terraformIdle = setTimeout(() => {
    terraformWorker?.terminate();
    terraformWorker = undefined;
  }, TERRAFORM_IDLE_MS);
  terraformIdle.unref();
  return terraformWorker;
}

/** Starts the Terraform synth in the worker thread (queued now, served once its engine is loaded). */
function terraformInWorker(spec: ResolvedSpec, outdir: string, clouds: readonly Cloud[], keep: boolean): TerraformRun {
  return { collect: terraformThread().send<string[]>({ spec, outdir, clouds }, { last: !keep }) };
}

/** Whether a second engine can run beside this thread here (compiled code, more than one core). */
function canRunInParallel(): boolean {
  return __filename.endsWith('.js') && (os.availableParallelism?.() ?? os.cpus().length) > 1;
}

/**
 * Synthesizes the chosen clouds of one resolved spec: `<out>/aws/` (a CDK cloud assembly, with
 * the policy gates unless `checks` is false) and `<out>/terraform/stacks/<stack>/cdk.tf.json`.
 * Engines are loaded lazily, so a GCP-only synth never loads aws-cdk-lib and vice versa; with
 * both, the Terraform clouds are synthesized in a worker thread while AWS runs here.
 */
export function synthesize(
  spec: ResolvedSpec,
  outDir: string,
  clouds: readonly Cloud[],
  options: SynthOptions = {},
): SynthResult[] {
  const checks = options.checks ?? true;
  const withAws = clouds.includes('aws');
  const terraformClouds = clouds.filter((c) => c !== 'aws');
  const terraformDir = path.join(outDir, 'terraform');
  const parallel = withAws && terraformClouds.length > 0 && (options.parallel ?? true) && canRunInParallel();

  // Refused before any engine or worker starts: nothing to synthesize on placeholder zones.
  if (withAws) assertZonesCached(spec);
  // The validation engine takes the longest to start: it is warmed first, on its own thread.
  if (withAws && checks) {
    const policy = backend('aws', () => require('./aws-policy') as typeof import('./aws-policy'));
    // As synthAws does by default, before the engine's worker starts (see useOneShotSynthSettings).
    policy.useOneShotSynthSettings();
    policy.prewarmCloudFormationValidation();
  }
  const terraform = parallel
    ? terraformInWorker(spec, terraformDir, terraformClouds, options.keepWorkers ?? false)
    : undefined;

  const results: SynthResult[] = [];
  if (withAws) {
    const { synthAws } = backend('aws', () => require('./aws-stack') as typeof import('./aws-stack'));
    try {
      const aws = synthAws(spec, path.join(outDir, 'aws'), { checks });
      results.push({ cloud: 'aws', stackName: aws.stackName, file: aws.templateFile });
    } catch (error) {
      // The worker may still be writing: let it finish before the caller sees the failure.
      try {
        terraform?.collect();
      } catch {
        // The AWS error is the one to report.
      }
      throw error;
    }
  }
  if (terraformClouds.length > 0) {
    const first = terraformClouds[0] as Exclude<Cloud, 'aws'>;
    const names = terraform
      ? terraform.collect()
      : backend(first, () => require('./terraform-app') as typeof import('./terraform-app')).synthTerraform(
          spec,
          terraformDir,
          terraformClouds,
        );
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
