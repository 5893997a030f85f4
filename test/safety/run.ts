import * as fs from 'node:fs';
import { CLOUDS, type Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { type Synthesized, synthToFiles, type Template, type TerraformJson } from '../support/outputs';
import { cloudFormationChanges, type ResourceChange, terraformChanges } from './diff';
import { type Scenario, scenarios } from './scenarios';

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly before: Synthesized;
  readonly after: Synthesized;
  /** Changes of the resources that existed before, per cloud. */
  readonly changes: Record<Cloud, ResourceChange[]>;
}

/** The output of one cloud. */
export function outputOf(s: Synthesized, cloud: Cloud): Template | TerraformJson {
  const out = s[cloud];
  if (out === undefined) throw new Error(`no ${cloud} output`);
  return out;
}

/** Changes between two outputs of one cloud. */
export function changesOf(before: Synthesized, after: Synthesized, cloud: Cloud): ResourceChange[] {
  return cloud === 'aws'
    ? cloudFormationChanges(outputOf(before, 'aws') as Template, outputOf(after, 'aws') as Template)
    : terraformChanges(outputOf(before, cloud) as TerraformJson, outputOf(after, cloud) as TerraformJson);
}

/** Synthesizes every scenario's specs on every cloud (each distinct spec once) and diffs them. */
export function runScenarios(list: readonly Scenario[] = scenarios()): ScenarioResult[] {
  const cache = new Map<ResolvedSpec, Synthesized>();
  const synth = (spec: ResolvedSpec): Synthesized => {
    let out = cache.get(spec);
    if (!out) {
      out = synthToFiles(spec, CLOUDS);
      fs.rmSync(out.dir, { recursive: true, force: true });
      cache.set(spec, out);
    }
    return out;
  };
  return list.map((scenario) => {
    const before = synth(scenario.from);
    const after = synth(scenario.to);
    const changes = Object.fromEntries(CLOUDS.map((c) => [c, changesOf(before, after, c)])) as Record<
      Cloud,
      ResourceChange[]
    >;
    return { scenario, before, after, changes };
  });
}
