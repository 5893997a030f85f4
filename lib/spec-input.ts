import type { CompanyRules } from './company-rules';
import type { LoadResult } from './load';
import { Names } from './naming';
import { type ResolvedSpec, resolve } from './resolve';
import type { Spec } from './spec';
import { formatProblem, validate } from './validate';

/*
 * What the blueprint constructs take as `spec` (DESIGN.md, "The package"): what loadSpec(file)
 * returns, the resolved spec, or the spec written in TypeScript. Every form ends as one
 * ResolvedSpec; a failed load or an invalid spec is refused with every problem, never half-built.
 */

/** A spec in any of the forms the blueprint constructs accept. */
export type SpecInput = LoadResult | ResolvedSpec | Spec;

/** What every cloud's blueprint construct takes besides its own bring-your-own props. */
export interface BlueprintBaseProps {
  /** The spec: what `loadSpec(file)` returns, the resolved spec, or the spec written in TypeScript. */
  readonly spec: SpecInput;
  /**
   * Company-wide rules: tags on every resource (merged over the spec's) and a prefix on every
   * derived name. @default - none
   */
  readonly companyRules?: CompanyRules;
}

/** An invalid spec given to a construct: every problem, one per line. */
export class SpecInputError extends Error {
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    const n = problems.length;
    super(`${where}: invalid spec (${n} problem${n === 1 ? '' : 's'})\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
  }
}

const isLoadResult = (input: SpecInput): input is LoadResult =>
  typeof input === 'object' && input !== null && 'ok' in input && 'file' in input;
const isResolved = (input: SpecInput): input is ResolvedSpec =>
  typeof input === 'object' && input !== null && 'names' in input && input.names instanceof Names;

/** The resolved spec of any accepted form; throws SpecInputError listing every problem. */
export function resolveSpecInput(input: SpecInput): ResolvedSpec {
  if (isLoadResult(input)) {
    if (input.ok) return input.spec;
    throw new SpecInputError(input.file, input.problems);
  }
  if (isResolved(input)) return input;
  const result = validate(input);
  if (!result.ok) throw new SpecInputError('spec', result.problems.map(formatProblem));
  return resolve(result.spec);
}
