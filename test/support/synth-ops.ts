import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cloud } from '../../lib/constants';
import { type ResolvedSpec, reviveSpec } from '../../lib/resolve';
import type { PolicyFinding } from '../../stacks/aws-policy';

/*
 * The syntheses the test synthesis cache keeps (test/support/synth-cache.ts). They run in the
 * synthesis server's threads (test/support/synth-server.js), compiled into dist/test/support/ by
 * the global setup with the rest of dist/, or in the jest worker itself when the cache is off.
 * The engines are required inside each operation, so a suite that only reads cached output never
 * loads them. Specs arrive as data (JSON): each operation revives its spec first.
 */

/** What a gated synthAws left in its cloud assembly. */
export interface GatedAwsSynth {
  /** The stack name synthAws returned. */
  readonly stackName: string;
  /** The template synthAws returned, relative to the assembly directory. */
  readonly templateFile: string;
  /** That template, parsed. */
  readonly template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** Every file of the assembly directory (top level), sorted. */
  readonly files: readonly string[];
  /** Unacknowledged findings (policyFindings). */
  readonly findings: readonly PolicyFinding[];
  /** Acknowledged findings per plugin (suppressedFindings). */
  readonly suppressed: Readonly<Record<string, number>>;
  /** The framework's validation report (VALIDATION_REPORT_FILE), parsed. */
  readonly report: unknown;
}

/** What `blueprint diff` synthesizes for one cloud of a spec (stacks/change.ts synthOutputs), ungated. */
function cloudOutput(spec: ResolvedSpec, cloud: Cloud): unknown {
  const { synthOutputs } = require('../../stacks/change') as typeof import('../../stacks/change');
  return synthOutputs(reviveSpec(spec), [cloud])[cloud];
}

/** synthAws with every gate, as `blueprint synth` runs it, read back from its cloud assembly; throws as synthAws does. */
function gatedAwsAssembly(spec: ResolvedSpec): GatedAwsSynth {
  const { synthAws } = require('../../stacks/aws-stack') as typeof import('../../stacks/aws-stack');
  const policy = require('../../stacks/aws-policy') as typeof import('../../stacks/aws-policy');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-gated-'));
  try {
    const result = synthAws(reviveSpec(spec), dir);
    return {
      stackName: result.stackName,
      templateFile: path.relative(dir, result.templateFile),
      template: JSON.parse(fs.readFileSync(result.templateFile, 'utf8')) as GatedAwsSynth['template'],
      files: fs.readdirSync(dir).sort(),
      findings: policy.policyFindings(dir),
      suppressed: policy.suppressedFindings(dir),
      report: JSON.parse(fs.readFileSync(path.join(dir, policy.VALIDATION_REPORT_FILE), 'utf8')) as unknown,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The operations by name: a request to the server names one and gives its arguments as data. */
export const SYNTH_OPS = { cloudOutput, gatedAwsAssembly };
export type SynthOp = keyof typeof SYNTH_OPS;
