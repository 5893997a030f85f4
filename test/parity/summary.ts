import type { AlarmSignal } from '../../lib/constants';

/*
 * The cloud-neutral capability summary: what a synthesized stack provides, normalized so the
 * three clouds can be compared field by field. Extractors build it from the synthesized JSON
 * only; expected.ts builds the same shape from a ResolvedSpec. Where a cloud cannot express a
 * field, or the platform does it with nothing to configure, the field holds a marker taken
 * from the gap table (gaps.ts) — never a guess and never a missing key.
 */

/** The cloud has no way to express this field; the reason says what it does instead. */
export interface NotExpressible {
  readonly notExpressible: string;
}

/** The platform always does this, with nothing to set or read in the output. */
export interface PlatformDefault {
  readonly platform: string;
}

export type Marker = NotExpressible | PlatformDefault;

/** A field value, or a marker from the gap table. */
export type Cap<T> = T | Marker;

export function isMarker(v: unknown): v is Marker {
  return typeof v === 'object' && v !== null && ('notExpressible' in v || 'platform' in v);
}

/** Instance bounds of one group. */
export interface GroupBounds {
  readonly min: number;
  readonly max: number;
}

/** How the share of Spot capacity is expressed. */
export interface SpotSummary {
  /** Percent of capacity above the on-demand base that runs on Spot (one mixed group). */
  readonly percent: Cap<number>;
  /** On-demand and Spot groups with their own bounds; null = no Spot group. */
  readonly groups: Cap<{ readonly onDemand: GroupBounds; readonly spot: GroupBounds } | null>;
}

export interface CapabilitySummary {
  readonly loadBalancer: {
    /** A public HTTP(S) load balancer in front of the group. */
    readonly present: boolean;
    /** An HTTPS listener with a certificate. */
    readonly https: boolean;
    /** Plain HTTP answers with a permanent redirect to HTTPS. */
    readonly httpsRedirect: boolean;
    /** The HTTPS listener refuses TLS below 1.2; null without HTTPS. */
    readonly tls12Plus: boolean | null;
    /** Health check the load balancer runs: "<path> :<port>". */
    readonly healthCheck: string;
    /** Idle / response timeout towards the app, seconds. */
    readonly idleTimeoutSeconds: number;
  };
  readonly waf: {
    /** A web application firewall with managed rules inspects requests to the load balancer. */
    readonly enabled: boolean;
    /** It also limits the request rate per client. */
    readonly rateLimit: boolean | null;
  };
  readonly cdn: {
    readonly enabled: boolean;
    /** Responses compressed at the edge; null without CDN. */
    readonly compression: boolean | null;
    /** Path patterns cached at the edge, sorted; empty without CDN. */
    readonly cachedPaths: readonly string[];
    /** The load balancer serves only requests that came through this CDN; null without CDN. */
    readonly originLocked: Cap<boolean> | null;
  };
  readonly compute: {
    /** Fewest instances over all groups. */
    readonly min: number;
    /** Most instances over all groups. */
    readonly max: number;
    /** Instances that always run on-demand. */
    readonly onDemandMin: number;
    readonly spot: SpotSummary;
    /** Scaling signals: 'cpu', and 'requests' when the spec scales on requests per instance. */
    readonly scalesOn: readonly string[];
    /** No desired count / target size that a deploy would reset. */
    readonly noDesiredCount: boolean;
    /** Availability zones the groups spread over. */
    readonly zones: number;
  };
  /** Sizes as the neutral size names of lib/sizes.ts (the cloud's type when not in the table). */
  readonly sizes: {
    readonly compute: string;
    readonly cache: string;
    readonly database: string;
  };
  readonly cache: {
    readonly shards: Cap<number>;
    readonly replicasPerShard: Cap<number>;
    /** Cluster mode / cluster API (shards > 1). */
    readonly clustered: boolean;
    /** Automatic failover to a replica. */
    readonly highAvailability: boolean;
    readonly tls: boolean;
    /** Clients must authenticate (password / token / IAM). */
    readonly auth: boolean;
    readonly encryptedAtRest: Cap<boolean>;
    /** No public endpoint. */
    readonly privateOnly: boolean;
  };
  readonly database: {
    /** PostgreSQL major version. */
    readonly engineVersion: string;
    /** Primaries: one per shard. */
    readonly shards: number;
    /** Read replicas of each shard, in shard order. */
    readonly replicasPerShard: readonly number[];
    /** Every primary has a standby / failover target in another zone. */
    readonly highAvailability: boolean;
    readonly encryptedAtRest: Cap<boolean>;
    /** The server refuses unencrypted connections. */
    readonly tlsRequired: Cap<boolean>;
    /** No public endpoint on any primary or replica. */
    readonly privateOnly: boolean;
    /** Backup retention in days, the same on every primary. */
    readonly backupRetentionDays: number;
    /** Every primary refuses deletion. */
    readonly deletionProtection: boolean;
    /** Read replicas can be removed again by lowering readReplicas; null without replicas. */
    readonly replicasRemovable: boolean | null;
    readonly connectionPooling: Cap<boolean>;
  };
  readonly alarms: {
    /** Signals with at least one alarm watching an existing resource, in ALARM_SIGNALS order. */
    readonly signals: readonly AlarmSignal[];
    /** Shards whose primary (CPU, storage, connections) and replicas (lag) are all watched. */
    readonly shardsWatched: number;
    /** Every instance group is watched by the group-at-max alarm. */
    readonly everyGroupWatched: boolean;
    /** Every alarm notifies; the address the notifications go to. */
    readonly notifies: string | null;
  };
  readonly contract: {
    /** Environment-contract names in the environment of every VM group, in ENV_CONTRACT order. */
    readonly vmEnv: readonly string[];
    /** Every other variable on every VM group (the spec's app.env plus cloud extras), sorted. */
    readonly otherEnv: readonly string[];
    /** Stack outputs, in OUTPUT_NAMES order. */
    readonly outputs: readonly string[];
    /** Entries of DATABASE_SHARD_MAP in the VM environment and in the output. */
    readonly shardMapEntries: { readonly vm: number; readonly output: number };
  };
}

/** Dotted path of every leaf field, e.g. 'cache.shards', 'compute.spot.percent'. */
export type FieldPath = string;

/** Every leaf of a summary with its path; markers, arrays and nulls are leaves. */
export function leaves(summary: unknown, prefix = ''): Array<[FieldPath, unknown]> {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary) || isMarker(summary)) {
    return [[prefix, summary]];
  }
  const entries = Object.entries(summary as Record<string, unknown>);
  // A leaf object such as shardMapEntries or spot groups stays whole when its path is a field.
  if (LEAF_OBJECTS.has(prefix)) return [[prefix, summary]];
  return entries.flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

/** Object-valued fields compared and shown as one value. */
const LEAF_OBJECTS = new Set(['contract.shardMapEntries', 'compute.spot.groups']);

/** Reads one field by path. */
export function fieldAt(summary: CapabilitySummary, path: FieldPath): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], summary);
}
