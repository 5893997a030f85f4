import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedSpec } from '../../lib/resolve';
import {
  type PolicyFinding,
  policyFindings,
  suppressedFindings,
  VALIDATION_REPORT_FILE,
} from '../../stacks/aws-policy';
import { synthAws } from '../../stacks/aws-stack';
import type { Template } from './outputs';
import { cached } from './synth-cache';

/*
 * The AWS synth with every policy gate, as `blueprint synth` runs it, read back from its cloud
 * assembly: once per spec and source tree (test/support/synth-cache.ts), like the ungated
 * outputs. Each gated synth builds the built-in validation's engine and runs cfn-guard (about
 * 1.3 s); a warm run reads what the same code made from the same spec.
 */

/** What a gated synthAws left in its cloud assembly. */
export interface GatedAwsSynth {
  /** The stack name synthAws returned. */
  readonly stackName: string;
  /** The template synthAws returned, relative to the assembly directory. */
  readonly templateFile: string;
  /** That template, parsed. */
  readonly template: Template;
  /** Every file of the assembly directory (top level), sorted. */
  readonly files: readonly string[];
  /** Unacknowledged findings (policyFindings). */
  readonly findings: readonly PolicyFinding[];
  /** Acknowledged findings per plugin (suppressedFindings). */
  readonly suppressed: Readonly<Record<string, number>>;
  /** The framework's validation report (VALIDATION_REPORT_FILE), parsed. */
  readonly report: unknown;
}

/** synthAws with the gates on; throws as synthAws does when a finding is left unacknowledged. */
export function gatedAwsSynth(spec: ResolvedSpec): GatedAwsSynth {
  return cached({ spec, gatedAwsAssembly: true }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-gated-'));
    try {
      const result = synthAws(spec, dir);
      return {
        stackName: result.stackName,
        templateFile: path.relative(dir, result.templateFile),
        template: JSON.parse(fs.readFileSync(result.templateFile, 'utf8')) as Template,
        files: fs.readdirSync(dir).sort(),
        findings: policyFindings(dir),
        suppressed: suppressedFindings(dir),
        report: JSON.parse(fs.readFileSync(path.join(dir, VALIDATION_REPORT_FILE), 'utf8')) as unknown,
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, ['aws']);
}
