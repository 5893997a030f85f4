import { CLOUDS, type Cloud } from '../../lib/constants';
import { type Synthesized, synthToFiles } from '../support/outputs';
import { expectedSummary } from './expected';
import { extractAws } from './extract-aws';
import { extractAzure } from './extract-azure';
import { extractGcp } from './extract-gcp';
import { type MatrixSpec, parityMatrix } from './matrix';
import type { CapabilitySummary } from './summary';

/** One extractor per cloud, each reading only that cloud's synthesized file. */
export const EXTRACTORS: Record<Cloud, (out: Synthesized) => CapabilitySummary> = {
  aws: (out) => extractAws(required(out.aws, 'aws')),
  gcp: (out) => extractGcp(required(out.gcp, 'gcp')),
  azure: (out) => extractAzure(required(out.azure, 'azure')),
};

function required<T>(v: T | undefined, cloud: Cloud): T {
  if (v === undefined) throw new Error(`no ${cloud} output was synthesized`);
  return v;
}

export interface MatrixResult {
  readonly entry: MatrixSpec;
  /** The synthesized files, parsed. */
  readonly output: Synthesized;
  /** What each cloud's output provides. */
  readonly actual: Record<Cloud, CapabilitySummary>;
  /** What each cloud must provide for the spec (gaps applied). */
  readonly expected: Record<Cloud, CapabilitySummary>;
}

/** Synthesizes every matrix spec on every cloud (once) and summarizes the output. */
export function runMatrix(entries: readonly MatrixSpec[] = parityMatrix()): MatrixResult[] {
  return entries.map((entry) => {
    const out = synthToFiles(entry.spec, CLOUDS);
    const per = <T>(f: (c: Cloud) => T) => Object.fromEntries(CLOUDS.map((c) => [c, f(c)])) as Record<Cloud, T>;
    return {
      entry,
      output: out,
      actual: per((c) => EXTRACTORS[c](out)),
      expected: per((c) => expectedSummary(entry.spec, c)),
    };
  });
}
