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

/** A check checkov logged as "Failed to run": it raised on that resource, so it neither passed nor failed. */
export interface CrashedCheck {
  readonly check: string;
  readonly file: string;
  readonly resource: string;
  /** The exception: the last line of the traceback checkov logged. */
  readonly error: string;
}

/**
 * Checks checkov raises on with this output instead of deciding, each with what it would decide,
 * checked by hand against the output (checkov 3.3.30). Like the baseline: a crash not listed here
 * fails the scan, and so does an entry checkov now decides.
 */
export const UNDECIDED: Readonly<Record<string, string>> = {
  CKV_GCP_54:
    'wants `log_lock_waits` on: every instance sets it (constructs/gcp/database.ts, DATABASE_AUDIT.logLockWaits)',
  CKV_GCP_57:
    'wants `log_min_duration_statement` at -1 (off): every instance logs queries slower than SLOW_QUERY_MS on purpose, the query statistics that find missing indexes; it would fail and be baselined',
};

/** The "Failed to run check" entries of checkov's log (LOG_LEVEL=ERROR), each with the last line of its traceback. */
export function crashedChecks(stderr: string): CrashedCheck[] {
  return stderr.split(/\n(?=\d{4}-\d\d-\d\d )/).flatMap((entry) => {
    const m = /Failed to run check (\S+) on (\S+?):(\S+)/.exec(entry);
    if (!m) return [];
    const lines = entry.trim().split('\n');
    return [{ check: m[1] ?? '', file: m[2] ?? '', resource: m[3] ?? '', error: (lines.at(-1) ?? '').trim() }];
  });
}

/** Crashes with no note, and notes of checks that no longer crash. */
export function compareCrashes(
  notes: Readonly<Record<string, string>>,
  crashed: readonly CrashedCheck[],
): { unexplained: CrashedCheck[]; staleNotes: string[] } {
  return {
    unexplained: crashed.filter((c) => notes[c.check] === undefined),
    staleNotes: Object.keys(notes).filter((check) => !crashed.some((c) => c.check === check)),
  };
}
