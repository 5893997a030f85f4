import type { ChangeReport, Side } from '../../lib/change/types';
import { CLOUDS, type Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { changeReport } from '../../stacks/change';
import { synthesizedOutputs } from '../support/outputs';
import { type Scenario, scenarios } from './scenarios';

/*
 * The growth scenarios through the change model (lib/change via stacks/change.ts), the same
 * function `blueprint diff` calls: each distinct spec is synthesized once (ungated, as the diff
 * does), then each step is compared on every cloud.
 */

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly before: Side;
  readonly after: Side;
  readonly report: ChangeReport;
}

/** The changes of one cloud in a scenario's report. */
export const changesOf = (r: ScenarioResult, cloud: Cloud) => r.report.clouds[cloud]?.changes ?? [];

/** Synthesizes every scenario's specs on every cloud (each distinct spec once) and builds their reports. */
export function runScenarios(list: readonly Scenario[] = scenarios()): ScenarioResult[] {
  const cache = new Map<ResolvedSpec, Side>();
  const side = (spec: ResolvedSpec): Side => {
    let s = cache.get(spec);
    if (!s) {
      s = { outputs: synthesizedOutputs(spec, CLOUDS), spec };
      cache.set(spec, s);
    }
    return s;
  };
  return list.map((scenario) => {
    const before = side(scenario.from);
    const after = side(scenario.to);
    return { scenario, before, after, report: changeReport(before, after, CLOUDS) };
  });
}
