import type { ResolvedSpec } from '../../lib/resolve';
import type { Template } from './outputs';
import { cachedSynth } from './synth-cache';
import type { GatedAwsSynth as GatedAssembly } from './synth-ops';

/*
 * The AWS synth with every policy gate, as `blueprint synth` runs it, read back from its cloud
 * assembly: once per spec and source tree (test/support/synth-cache.ts), like the ungated
 * outputs. Each gated synth runs the built-in validation and cfn-guard (about 1 s); a warm run
 * reads what the same code made from the same spec.
 */

/** What a gated synthAws left in its cloud assembly (test/support/synth-ops.ts), its template typed as the suites read it. */
export interface GatedAwsSynth extends Omit<GatedAssembly, 'template'> {
  /** The template synthAws returned, parsed. */
  readonly template: Template;
}

/** synthAws with the gates on; throws as synthAws does when a finding is left unacknowledged. */
export function gatedAwsSynth(spec: ResolvedSpec): GatedAwsSynth {
  return cachedSynth('gatedAwsAssembly', [spec], ['aws']) as GatedAwsSynth;
}
