import type { Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import type { FieldPath } from './summary';

/*
 * Known deviations of a back end from what the spec asks, found by the parity suite and not
 * yet fixed. Unlike a gap (gaps.ts: the cloud cannot do it), a bug is something the cloud can
 * do and the stack does not. The parity test runs each as `test.failing`: the suite stays
 * green while the bug is there and fails the day it is fixed, so the entry gets removed.
 * docs/parity.md shows each with a ✗.
 */

export interface KnownBug {
  readonly id: string;
  readonly cloud: Cloud;
  readonly field: FieldPath;
  /** Specs where the bug shows. */
  readonly when: (spec: ResolvedSpec) => boolean;
  /** File, resource, what is wrong. */
  readonly description: string;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  // B1 (Azure CDN bypass with the WAF off) and B2 (prevent_destroy on Azure read replicas)
  // were found here and fixed; see gaps.ts for the WAF the Azure CDN now implies.
];

/** Bugs showing for one cloud and spec. */
export function bugsFor(cloud: Cloud, spec: ResolvedSpec): KnownBug[] {
  return KNOWN_BUGS.filter((b) => b.cloud === cloud && b.when(spec));
}
