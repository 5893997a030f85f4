import { ALARM_SIGNALS, type AlarmSignal, type Cloud, ENV_CONTRACT, OUTPUT_NAMES } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { COMPUTE_SIZES } from '../../lib/sizes';
import { CONDITIONAL_SIGNALS, gapMarker, gapsFor } from './gaps';
import { sizeName } from './read';
import type { CapabilitySummary } from './summary';

/** Alarm signals that must be covered: all, except replica lag when no shard has a replica. */
export function expectedSignals(replicasPerShard: readonly number[]): AlarmSignal[] {
  const hasReplicas = replicasPerShard.some((n) => n > 0);
  return ALARM_SIGNALS.filter((s) => !(s in CONDITIONAL_SIGNALS) || (s === 'db-replica-lag' && hasReplicas));
}

/** What the spec asks for, in the cloud-neutral sense, before any cloud's gaps (`cloud` only matters for an explicit per-cloud compute type). */
export function neutralSummary(spec: ResolvedSpec, cloud: Cloud): CapabilitySummary {
  const { compute, cache, database, loadBalancer, cdn } = spec;
  const https = loadBalancer.https !== undefined;
  const split = compute.spot;
  return {
    loadBalancer: {
      present: true,
      https,
      httpsRedirect: https,
      tls12Plus: https ? true : null,
      healthCheck: `${compute.healthCheckPath} :${compute.port}`,
      idleTimeoutSeconds: loadBalancer.idleTimeoutSeconds,
    },
    waf: { enabled: loadBalancer.waf, rateLimit: loadBalancer.waf ? true : null },
    cdn: {
      enabled: cdn.enabled,
      compression: cdn.enabled ? true : null,
      cachedPaths: cdn.enabled ? [...cdn.cachedPaths].sort() : [],
      originLocked: cdn.enabled ? true : null,
    },
    compute: {
      min: compute.minInstances,
      max: compute.maxInstances,
      onDemandMin: split.onDemand.min,
      spot: {
        percent: split.percent,
        groups: split.spot ? { onDemand: { ...split.onDemand }, spot: { ...split.spot } } : null,
      },
      scalesOn: compute.targetRequestsPerInstance !== undefined ? ['cpu', 'requests'] : ['cpu'],
      noDesiredCount: true,
      zones: spec.network.zones,
    },
    sizes: {
      compute: sizeName(COMPUTE_SIZES, cloud, compute.instanceType[cloud].type),
      cache: cache.size,
      database: database.size,
    },
    cache: {
      shards: cache.shards,
      replicasPerShard: cache.replicasPerShard,
      clustered: cache.clustered,
      highAvailability: cache.highAvailability,
      tls: true,
      auth: true,
      encryptedAtRest: true,
      privateOnly: true,
    },
    database: {
      engineVersion: database.engineVersion,
      shards: database.shards.length,
      replicasPerShard: database.shards.map((s) => s.readReplicas),
      highAvailability: database.highAvailability,
      encryptedAtRest: true,
      tlsRequired: true,
      privateOnly: true,
      backupRetentionDays: database.backupRetentionDays,
      deletionProtection: database.deletionProtection,
      replicasRemovable: database.shards.some((s) => s.readReplicas > 0) ? true : null,
      connectionPooling: database.connectionPooling,
    },
    alarms: {
      signals: expectedSignals(database.shards.map((s) => s.readReplicas)),
      shardsWatched: database.shards.length,
      everyGroupWatched: true,
      notifies: spec.alerts.email,
    },
    contract: {
      vmEnv: [...ENV_CONTRACT],
      otherEnv: Object.keys(compute.app.env).sort(),
      outputs: [...OUTPUT_NAMES],
      shardMapEntries: { vm: database.shards.length, output: database.shards.length },
    },
  };
}

/** Sets one dotted path in a plain object tree (copying along the way). */
function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const o = obj as Record<string, unknown>;
  if (head === undefined) return obj;
  if (!(head in o)) throw new Error(`unknown summary field ${path}`);
  return { ...o, [head]: rest.length === 0 ? value : setPath(o[head], rest.join('.'), value) } as T;
}

/** What one cloud's summary must equal for the spec: the neutral summary with its gaps applied. */
export function expectedSummary(spec: ResolvedSpec, cloud: Cloud): CapabilitySummary {
  let summary = neutralSummary(spec, cloud);
  for (const gap of gapsFor(cloud, spec)) {
    if (gap.kind === 'notExpressible' || gap.kind === 'platform') {
      summary = setPath(summary, gap.field, gapMarker(cloud, gap.field));
    } else if (gap.kind === 'differs') {
      if (!gap.expected) throw new Error(`gap ${cloud} ${gap.field} of kind 'differs' needs expected()`);
      summary = setPath(summary, gap.field, gap.expected(spec));
    }
  }
  // Replica lag is watched, and replicas are removable, wherever this cloud runs replicas
  // (Aurora's HA standby is one).
  const replicas = summary.database.replicasPerShard;
  summary = setPath(summary, 'database.replicasRemovable', replicas.some((n) => n > 0) ? true : null);
  return setPath(summary, 'alarms.signals', expectedSignals(replicas));
}
