import { runScenarios, type ScenarioResult } from '../safety/run';
import { renderReadmeSection } from './readme';
import { renderParityDoc } from './report';
import { type MatrixResult, runMatrix } from './run';

/** Docs written by `npm run parity`, relative to the repository root. */
export const PARITY_DOC = 'docs/parity.md';
export const README_SECTION = 'docs/parity-readme-section.md';

export interface Generated {
  readonly matrix: MatrixResult[];
  readonly scenarios: ScenarioResult[];
  readonly files: Record<string, string>;
}

/** Synthesizes the matrix and the growth scenarios and renders both documents. */
export function generate(): Generated {
  const matrix = runMatrix();
  const scenarios = runScenarios();
  return {
    matrix,
    scenarios,
    files: { [PARITY_DOC]: renderParityDoc(matrix), [README_SECTION]: renderReadmeSection(matrix, scenarios) },
  };
}
