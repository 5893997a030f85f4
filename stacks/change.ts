import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../lib/change/report';
import type { CfnTemplate, ChangeReport, Side, TerraformConfig } from '../lib/change/types';
import type { Cloud } from '../lib/constants';
import { stackName } from '../lib/naming';
import type { ResolvedSpec } from '../lib/resolve';
import { planCloudFormation } from './change-aws';
import { synthesize } from './synth';

/*
 * The engine side of `blueprint diff` and the safety suite: synthesize a spec (no policy gates:
 * they validate, they do not change templates) into a temporary directory, read a
 * `blueprint synth --out` directory, and build the change report (lib/change) with
 * CloudFormation's diff.
 */

/** Thrown when a --from directory is not what `blueprint synth --out` writes. */
export class NotSynthOutput extends Error {}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** The outputs of a spec on the chosen clouds, synthesized in a temporary directory (removed after). */
export function synthOutputs(spec: ResolvedSpec, clouds: readonly Cloud[]): Side['outputs'] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-diff-'));
  try {
    const out: { aws?: CfnTemplate; gcp?: TerraformConfig; azure?: TerraformConfig } = {};
    const wanted = clouds.filter((c) => spec.clouds.includes(c));
    // The gates validate, they do not change templates: off for a diff (the same synth as `synth --no-checks`).
    for (const r of synthesize(spec, dir, wanted, { checks: false, keepWorkers: true })) {
      out[r.cloud] = readJson<CfnTemplate & TerraformConfig>(r.file);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The CloudFormation template a cloud assembly's manifest names (the first stack artifact). */
function assemblyTemplate(dir: string): CfnTemplate | undefined {
  const manifest = path.join(dir, 'aws', 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const artifacts = readJson<{ artifacts?: Record<string, { type?: string; properties?: { templateFile?: string } }> }>(
    manifest,
  ).artifacts;
  const stack = Object.values(artifacts ?? {}).find((a) => a.type === 'aws:cloudformation:stack');
  const file = stack?.properties?.templateFile;
  if (!file) throw new NotSynthOutput(`${manifest}: names no CloudFormation stack`);
  return readJson<CfnTemplate>(path.join(dir, 'aws', file));
}

/** terraform/stacks/<stack>/cdk.tf.json of a cloud: the new spec's stack name, else the one stack of that cloud. */
function terraformStack(dir: string, cloud: 'gcp' | 'azure', spec: ResolvedSpec): TerraformConfig | undefined {
  const stacks = path.join(dir, 'terraform', 'stacks');
  if (!fs.existsSync(stacks)) return undefined;
  const exact = path.join(stacks, stackName(spec.name, spec.environment, cloud), 'cdk.tf.json');
  if (fs.existsSync(exact)) return readJson<TerraformConfig>(exact);
  const candidates = fs.readdirSync(stacks).filter((s) => s.endsWith(`-${cloud}`));
  if (candidates.length === 1) return readJson<TerraformConfig>(path.join(stacks, candidates[0] ?? '', 'cdk.tf.json'));
  return undefined;
}

/** The outputs in a `blueprint synth --out` directory; throws NotSynthOutput when there are none. */
export function readSynthDir(dir: string, spec: ResolvedSpec, clouds: readonly Cloud[]): Side['outputs'] {
  const out: { aws?: CfnTemplate; gcp?: TerraformConfig; azure?: TerraformConfig } = {};
  if (clouds.includes('aws')) {
    const t = assemblyTemplate(dir);
    if (t) out.aws = t;
  }
  for (const cloud of ['gcp', 'azure'] as const) {
    const t = clouds.includes(cloud) ? terraformStack(dir, cloud, spec) : undefined;
    if (t) out[cloud] = t;
  }
  const any =
    fs.existsSync(path.join(dir, 'aws', 'manifest.json')) || fs.existsSync(path.join(dir, 'terraform', 'stacks'));
  if (!any) {
    throw new NotSynthOutput(
      `${dir}: not a \`blueprint synth --out\` directory (no aws/manifest.json, no terraform/stacks/<stack>/cdk.tf.json)`,
    );
  }
  return out;
}

/** The change report between two sides on the chosen clouds: the one function the CLI and the tests call. */
export function changeReport(old: Side, neu: Side, clouds: readonly Cloud[]): ChangeReport {
  return buildReport(old, neu, clouds, planCloudFormation);
}

/** Both specs synthesized and compared (what `blueprint diff --from OLD.yaml --spec NEW.yaml` does). */
export function specChangeReport(oldSpec: ResolvedSpec, newSpec: ResolvedSpec, clouds: readonly Cloud[]): ChangeReport {
  return changeReport(
    { outputs: synthOutputs(oldSpec, clouds), spec: oldSpec },
    { outputs: synthOutputs(newSpec, clouds), spec: newSpec },
    clouds,
  );
}
