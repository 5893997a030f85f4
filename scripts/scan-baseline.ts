/*
 * The scan baseline (scan/baseline.json): findings that stay open on purpose, each with its
 * reason. Pure logic, shared by `npm run scan` and its test.
 */
import type { Cloud } from '../lib/constants';

/** One accepted finding: a check that stays failing on a cloud, and why. */
export interface BaselineEntry {
  readonly cloud: Cloud;
  /** Which scanner reports it. @default 'checkov' */
  readonly tool?: 'checkov' | 'cfn-lint';
  readonly check: string;
  /**
   * Names of the resources it covers, as regular expressions over the resource's name WITHOUT
   * its generated hash suffix: a CloudFormation logical id (`LoadBalancerHttp` for
   * `LoadBalancerHttp17F42D87`), or a Terraform resource name (`LoadBalancer_Gateway` for
   * `LoadBalancer_Gateway_D1FA8AF1`), optionally preceded by the type (`Listener\.LoadBalancerHttp`).
   * A pattern must match the whole name: `LoadBalancerHttp` does not cover `LoadBalancerHttps…`.
   * Omitted = every resource.
   */
  readonly resources?: readonly string[];
  readonly reason: string;
}

/** A finding of one scanner on one resource. */
export interface Finding {
  readonly cloud: Cloud;
  readonly tool: 'checkov' | 'cfn-lint';
  readonly check: string;
  readonly name: string;
  /** `Type.LogicalId` (CloudFormation) or `<type>.<name>` (Terraform JSON), as the scanner prints it. */
  readonly resource: string;
  readonly spec: string;
}

/** Generated suffix CDK and CDKTF append to a construct path: 8 upper-case hex digits, after "_" in Terraform. */
const HASH_SUFFIX = '_?[0-9A-F]{8}';

/**
 * Whether a baseline pattern covers a resource string: the pattern has to match from a name
 * boundary (start, "." or ":") to the hash suffix at the end, so it cannot cover a longer name
 * by accident.
 */
export function coversResource(pattern: string, resource: string): boolean {
  return new RegExp(`(?:^|[.:])(?:${pattern})${HASH_SUFFIX}$`).test(resource);
}

/** Whether an entry accepts a finding. */
export function accepts(entry: BaselineEntry, f: Finding): boolean {
  return (
    entry.cloud === f.cloud &&
    (entry.tool ?? 'checkov') === f.tool &&
    entry.check === f.check &&
    (entry.resources === undefined || entry.resources.some((pattern) => coversResource(pattern, f.resource)))
  );
}

/** Findings nobody accepted, and entries that no longer match anything (the baseline only shrinks). */
export function compare(
  entries: readonly BaselineEntry[],
  findings: readonly Finding[],
): { accepted: Finding[]; fresh: Finding[]; stale: BaselineEntry[] } {
  return {
    accepted: findings.filter((f) => entries.some((e) => accepts(e, f))),
    fresh: findings.filter((f) => !entries.some((e) => accepts(e, f))),
    stale: entries.filter((e) => !findings.some((f) => accepts(e, f))),
  };
}
