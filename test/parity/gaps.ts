import type { ALARM_SIGNALS, Cloud } from '../../lib/constants';
import { type ResolvedSpec, splitSpot } from '../../lib/resolve';
import type { FieldPath, Marker } from './summary';

/*
 * THE table of parity gaps: every place where a cloud's summary differs from what the spec
 * asks in the cloud-neutral sense, with the reason. Extractors may only return a marker that
 * is listed here (gapMarker throws otherwise), expected.ts applies the same entries, and
 * docs/parity.md prints them. Sources: docs/aws.md, docs/gcp.md, docs/azure.md and the
 * synthesized output itself.
 *
 * Kinds:
 *   notExpressible  the cloud has no such setting; the field holds { notExpressible: reason }
 *   platform        always on, nothing to configure or read; the field holds { platform: reason }
 *   differs         the cloud expresses it another way; the field holds `expected(spec)`
 *   note            the value matches, but how the cloud gets there deserves a footnote
 */

export type GapKind = 'notExpressible' | 'platform' | 'differs' | 'note';

export interface GapEntry {
  readonly cloud: Cloud;
  readonly field: FieldPath;
  readonly kind: GapKind;
  readonly reason: string;
  /** Only for specs where this holds. @default every spec */
  readonly when?: (spec: ResolvedSpec) => boolean;
  /** For 'differs': the value this cloud's summary holds for the spec. */
  readonly expected?: (spec: ResolvedSpec) => unknown;
}

/**
 * The GCP groups' bounds: the spec's split with a Spot floor of 1 (constructs/gcp/compute-group.ts
 * SPOT_FLOOR), and whether that floor changes anything for the spec.
 */
const gcpSplit = (s: ResolvedSpec) =>
  splitSpot(s.compute.minInstances, s.compute.maxInstances, s.compute.spot.percent, 1);
const gcpFloorApplies = (s: ResolvedSpec) =>
  s.compute.spot.spot !== undefined && JSON.stringify(gcpSplit(s)) !== JSON.stringify(s.compute.spot);
const GCP_SPOT_FLOOR =
  'The Spot group keeps at least one VM: its autoscaler scales on per-instance metrics (CPU, load-balancer utilisation), and an empty group has none, so it would never scale out. The floor comes out of the on-demand minimum while that stays at least 1, else it adds one VM to the minimum.';

const auroraReaders = (spec: ResolvedSpec) =>
  spec.database.shards.map((s) => Math.max(s.readReplicas, spec.database.highAvailability ? 1 : 0));

export const PARITY_GAPS: readonly GapEntry[] = [
  // ---- AWS
  {
    cloud: 'aws',
    field: 'compute.spot.groups',
    kind: 'notExpressible',
    reason:
      'One Auto Scaling group with a mixed-instances policy: an on-demand base plus a Spot percentage above it, re-balanced continuously; there are no separate Spot bounds.',
  },
  {
    cloud: 'aws',
    field: 'database.replicasPerShard',
    kind: 'differs',
    when: (s) => s.database.highAvailability && s.database.readReplicas === 0,
    expected: auroraReaders,
    reason:
      'Aurora has no hidden standby: with highAvailability and no read replicas, each cluster gets one reader in another zone as its failover target, and that reader also serves reads.',
  },
  {
    cloud: 'aws',
    field: 'database.highAvailability',
    kind: 'differs',
    when: (s) => !s.database.highAvailability && s.database.readReplicas > 0,
    expected: () => true,
    reason:
      'Aurora readers are always failover targets: a cluster with read replicas fails over to one even when highAvailability is false.',
  },
  {
    cloud: 'aws',
    field: 'cdn.originLocked',
    kind: 'differs',
    when: (s) => s.cdn.enabled && !s.cdn.lockOrigin,
    expected: () => false,
    reason:
      'cdn.lockOrigin is false (phase 1 of turning the CDN on): the ALB also serves clients that reach it directly while DNS moves to CloudFront; with lockOrigin: true it answers 403 to every request without the origin header. (The neutral summary still expects a locked origin whenever the CDN is on.)',
  },
  {
    cloud: 'aws',
    field: 'waf.enabled',
    kind: 'note',
    when: (s) => s.loadBalancer.waf && s.loadBalancer.maxRequestBodyKiB > 8,
    reason:
      "An ALB's WAF inspects only the first 8 KiB of a request body: AWSManagedRulesCommonRuleSet's SizeRestrictions_BODY (which blocks every larger body) only counts, the other body rules inspect those 8 KiB, and no larger loadBalancer.maxRequestBodyKiB can be enforced at the edge.",
  },
  {
    cloud: 'aws',
    field: 'contract.otherEnv',
    kind: 'differs',
    expected: (s) => [...Object.keys(s.compute.app.env), 'AWS_REGION'].sort(),
    reason: "The AWS VMs also get AWS_REGION, so AWS SDKs in the container know where the contract's secrets live.",
  },
  {
    cloud: 'aws',
    field: 'contract.outputs',
    kind: 'note',
    reason:
      'CloudFormation output keys cannot contain "_": each output key is the PascalCase form (DATABASE_WRITER_HOST -> DatabaseWriterHost) and its Description carries the contract name.',
  },
  // ---- GCP
  {
    cloud: 'gcp',
    field: 'compute.spot.percent',
    kind: 'notExpressible',
    reason:
      'No mixed-instances policy: a second, Spot-only managed instance group (own template and autoscaler, bounds from splitSpot) sits behind the same backend service.',
  },
  {
    cloud: 'gcp',
    field: 'cdn.originLocked',
    kind: 'platform',
    when: (s) => s.cdn.enabled,
    reason:
      "Cloud CDN is a property of the load balancer's backend service: there is no separate origin that could be reached around it.",
  },
  {
    cloud: 'gcp',
    field: 'database.connectionPooling',
    kind: 'notExpressible',
    reason:
      'Cloud SQL managed connection pooling needs the Enterprise Plus edition; the size table uses Enterprise custom tiers. Run PgBouncer next to the app if needed.',
  },
  {
    cloud: 'gcp',
    field: 'database.encryptedAtRest',
    kind: 'platform',
    reason: 'Cloud SQL encrypts all data at rest with Google-managed keys; there is no switch (CMEK is an override).',
  },
  {
    cloud: 'gcp',
    field: 'cache.encryptedAtRest',
    kind: 'platform',
    reason: 'Memorystore encrypts data at rest with Google-managed keys; there is no switch.',
  },
  {
    cloud: 'gcp',
    field: 'cache.auth',
    kind: 'note',
    when: (s) => s.cache.clustered,
    reason:
      'Memorystore for Redis Cluster has no AUTH string: clients authenticate with IAM (the VM service account holds roles/redis.dbConnectionUser).',
  },
  {
    cloud: 'gcp',
    field: 'cache.replicasPerShard',
    kind: 'note',
    when: (s) => s.cache.replicasPerShard === 0,
    reason: 'Zero replicas is the BASIC tier; growing it to one replica replaces the instance (the tier is immutable).',
  },
  {
    cloud: 'gcp',
    field: 'alarms.signals',
    kind: 'note',
    reason:
      'unhealthy-hosts is a log-match alert on the load balancer health-check log (no unhealthy-host metric on GCP).',
  },
  {
    cloud: 'gcp',
    field: 'compute.spot.groups',
    kind: 'differs',
    when: gcpFloorApplies,
    expected: (s) => {
      const split = gcpSplit(s);
      return { onDemand: { ...split.onDemand }, spot: { ...split.spot } };
    },
    reason: GCP_SPOT_FLOOR,
  },
  {
    cloud: 'gcp',
    field: 'compute.onDemandMin',
    kind: 'differs',
    when: (s) => gcpFloorApplies(s) && gcpSplit(s).onDemand.min !== s.compute.spot.onDemand.min,
    expected: (s) => gcpSplit(s).onDemand.min,
    reason: 'The Spot floor (row above) moved one VM of the minimum from on-demand to Spot.',
  },
  {
    cloud: 'gcp',
    field: 'compute.min',
    kind: 'differs',
    when: (s) =>
      gcpFloorApplies(s) && gcpSplit(s).onDemand.min + (gcpSplit(s).spot?.min ?? 0) !== s.compute.minInstances,
    expected: (s) => gcpSplit(s).onDemand.min + (gcpSplit(s).spot?.min ?? 0),
    reason:
      'The Spot floor (above) adds a VM to the minimum where the on-demand group already runs only one (dev: 1 + 1).',
  },
  // ---- Azure
  {
    cloud: 'azure',
    field: 'waf.enabled',
    kind: 'differs',
    when: (s) => s.cdn.enabled && s.cdn.lockOrigin && !s.loadBalancer.waf,
    expected: () => true,
    reason:
      "With the origin locked to the CDN, the gateway runs the WAF even when loadBalancer.waf is off: a WAF custom rule on X-Azure-FDID is the only way an Application Gateway can refuse traffic that did not come through this stack's Front Door (the network security group can only admit every Front Door).",
  },
  {
    cloud: 'azure',
    field: 'waf.rateLimit',
    kind: 'differs',
    when: (s) => s.cdn.enabled && s.cdn.lockOrigin && !s.loadBalancer.waf,
    expected: () => true,
    reason: 'Comes with the WAF the locked Azure origin implies (see the row above).',
  },
  {
    cloud: 'azure',
    field: 'compute.spot.percent',
    kind: 'notExpressible',
    reason:
      'No mixed-priority scale set with a percentage: a second scale set with priority Spot (own autoscale setting, bounds from splitSpot) joins the same gateway backend pool.',
  },
  {
    cloud: 'azure',
    field: 'cache.shards',
    kind: 'notExpressible',
    reason:
      'Azure Managed Redis has no shard count: the SKU fixes the layout. shards > 1 selects the OSS cluster policy (cluster API for cluster-aware clients).',
  },
  {
    cloud: 'azure',
    field: 'cache.replicasPerShard',
    kind: 'notExpressible',
    reason: 'Azure Managed Redis has high availability on/off only; the service places the replica itself.',
  },
  {
    cloud: 'azure',
    field: 'cache.encryptedAtRest',
    kind: 'platform',
    reason: 'Azure Managed Redis encrypts data at rest with platform-managed keys; there is no switch.',
  },
  {
    cloud: 'azure',
    field: 'database.encryptedAtRest',
    kind: 'platform',
    reason: 'Flexible Server encrypts storage and backups with platform-managed keys; there is no switch.',
  },
  {
    cloud: 'azure',
    field: 'database.tlsRequired',
    kind: 'platform',
    reason:
      'require_secure_transport is ON by default on Flexible Server and the stack leaves it there; no resource in the output sets it.',
  },
  {
    cloud: 'azure',
    field: 'alarms.signals',
    kind: 'note',
    reason:
      'Approximations: lb-5xx-rate counts 5xx responses (metric alerts cannot divide two metrics), lb-p99-latency uses the average total time (no percentiles on Application Gateway), cache-hit-ratio is a dynamic threshold on misses (no ratio metric).',
  },
  {
    cloud: 'azure',
    field: 'contract.otherEnv',
    kind: 'differs',
    expected: (s) => [...Object.keys(s.compute.app.env), 'AZURE_CLIENT_ID'].sort(),
    reason:
      "AZURE_CLIENT_ID selects the scale sets' user-assigned identity for Azure SDKs (DefaultAzureCredential) to read Key Vault.",
  },
  {
    cloud: 'azure',
    field: 'cdn.originLocked',
    kind: 'differs',
    when: (s) => s.cdn.enabled && !s.cdn.lockOrigin,
    expected: () => false,
    reason:
      'cdn.lockOrigin is off (the first phase of turning the CDN on): the gateway NSG admits the internet and the WAF has no X-Azure-FDID rule, so clients still resolving the domain to the gateway keep working until DNS has moved.',
  },
  {
    cloud: 'azure',
    field: 'alarms.everyGroupWatched',
    kind: 'note',
    when: (s) => s.compute.spot.spot !== undefined,
    reason:
      'group-at-max watches the on-demand scale set, the capacity that can surely scale (Spot capacity may not be there): one alert per maximum its schedules put in force, each notifying only while that maximum holds.',
  },
];

/** The entries that apply to one cloud and spec. */
export function gapsFor(cloud: Cloud, spec?: ResolvedSpec): GapEntry[] {
  return PARITY_GAPS.filter((g) => g.cloud === cloud && (spec === undefined || g.when === undefined || g.when(spec)));
}

/** Stable footnote id of an entry: G1, G2, ... in table order. */
export function gapId(entry: GapEntry): string {
  return `G${PARITY_GAPS.indexOf(entry) + 1}`;
}

/**
 * The marker an extractor returns for a field its cloud cannot express or never configures.
 * Throws when the table does not list it: an extractor cannot invent a silent gap.
 */
export function gapMarker(cloud: Cloud, field: FieldPath): Marker {
  const entry = PARITY_GAPS.find(
    (g) => g.cloud === cloud && g.field === field && (g.kind === 'notExpressible' || g.kind === 'platform'),
  );
  if (!entry) throw new Error(`no ${cloud} gap for ${field} in test/parity/gaps.ts`);
  return entry.kind === 'notExpressible' ? { notExpressible: entry.reason } : { platform: entry.reason };
}

/** Signals whose alarm can only exist when the resource it watches exists. */
export const CONDITIONAL_SIGNALS: Readonly<Partial<Record<(typeof ALARM_SIGNALS)[number], string>>> = {
  'db-replica-lag': 'no read replicas to watch',
};
