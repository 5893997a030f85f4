import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedSpec } from '../lib/resolve';
import { awsZoneSource } from '../lib/zones';

/*
 * The AWS app's context, read without aws-cdk-lib: the feature flags of cdk.json and the lookups
 * `npx cdk synth` cached. Engine-free, so `blueprint synth` can refuse an unanswered zone lookup
 * before it loads the engine or the gates.
 */

/** The file the CDK CLI caches context lookups in. */
export const CDK_CONTEXT_FILE = 'cdk.context.json';

/** The context provider CDK uses for Stack.availabilityZones. */
export const AZ_LOOKUP_PROVIDER = 'availability-zones';

/** A synth that cannot be completed from the spec and the cached context alone; one line, exit 1. */
export class AwsSynthInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The cdk.json next to the package root (source tree or dist/). */
function findCdkJson(): string {
  for (const up of ['..', path.join('..', '..')]) {
    const candidate = path.resolve(__dirname, up, 'cdk.json');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('cdk.json not found next to the package');
}

/**
 * Feature flags of the AWS app: the "context" of cdk.json, the single place they are set, so
 * `cdk synth` and `blueprint synth` build the same template.
 */
export function awsAppContext(): Record<string, unknown> {
  const cdkJson = findCdkJson();
  const json = JSON.parse(fs.readFileSync(cdkJson, 'utf8')) as { context?: Record<string, unknown> };
  return { ...json.context, ...cachedLookups(path.dirname(cdkJson)) };
}

/**
 * Context lookups `npx cdk synth` cached (cdk.context.json, next to cdk.json or in the working
 * directory): the account's availability zones, so `blueprint synth` builds the template that
 * `cdk synth` built without credentials of its own.
 */
function cachedLookups(cdkJsonDir: string): Record<string, unknown> {
  const files = [...new Set([cdkJsonDir, process.cwd()].map((d) => path.join(d, CDK_CONTEXT_FILE)))];
  return Object.assign(
    {},
    ...files.filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as object),
  );
}

/**
 * The context key under which CDK caches the zones the spec's stack looks up (its provider, then
 * the lookup's props sorted by name); undefined when the zones come from the spec or the table.
 */
export function zoneLookupKey(spec: Pick<ResolvedSpec, 'network' | 'regions' | 'accounts'>): string | undefined {
  if (awsZoneSource(spec).kind !== 'lookup') return undefined;
  return `${AZ_LOOKUP_PROVIDER}:account=${spec.accounts.aws}:region=${spec.regions.aws}`;
}

/** The one-line refusal of a synth whose zone lookup no cached context answers. */
export function zonesNotCached(spec: Pick<ResolvedSpec, 'regions' | 'accounts'>): AwsSynthInputError {
  return new AwsSynthInputError(
    `network.zoneNames.aws: the availability zones of account ${spec.accounts.aws} in ${spec.regions.aws} are not cached; run \`npx cdk synth\` once with credentials for that account (it looks them up and caches them in ${CDK_CONTEXT_FILE}), or set network.zoneNames.aws`,
  );
}

/**
 * Refuses, before any engine loads, a synth of the spec's own stack whose zone lookup the context
 * does not answer (what assertZonesResolved finds after the stack is built, ~0.6 s and the gates'
 * start-up later).
 */
export function assertZonesCached(spec: ResolvedSpec, context: Record<string, unknown> = awsAppContext()): void {
  const key = zoneLookupKey(spec);
  if (key !== undefined && context[key] === undefined) throw zonesNotCached(spec);
}
