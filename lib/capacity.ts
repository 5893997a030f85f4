import { connectionLimit, POOLER_CLIENT_LIMIT } from './assumptions';
import { CLOUD_LABEL, type Cloud, SIZES, type Size } from './constants';
import { CLOUD_LIMITS } from './limits';
import type { ResolvedSpec } from './resolve';
import { CACHE_SIZES, DATABASE_SIZES } from './sizes';
import type { ResolvedTraffic } from './traffic';

/*
 * The capacity model of `blueprint plan`: how much of each tier the peak needs against what the
 * resolved spec provides, per cloud, with the smallest spec change that closes each gap. Pure
 * arithmetic on the resolved spec and lib/assumptions.ts; no engine is loaded.
 */

/** One tier of one cloud at the peak. */
export interface TierCapacity {
  readonly cloud: Cloud;
  /** What is measured, e.g. "database reads per shard". */
  readonly tier: string;
  readonly unit: string;
  readonly needed: number;
  /** What the spec provides; `null` when the tier has no limit the model knows (a pooler). */
  readonly available: number | null;
  readonly ok: boolean;
  /** The spec field that sets `available`. */
  readonly field: string;
  /** The smallest change that makes `ok` true, as `field: old → new`; `null` when ok. */
  readonly advice: string | null;
  /** How many times the peak can grow before this tier saturates; `null` when traffic does not drive it. */
  readonly headroom: number | null;
  /** Requests/s at which this tier saturates (peak × headroom); `null` as headroom. */
  readonly saturatesAtRps: number | null;
  /** How the numbers were derived, one line. */
  readonly note: string;
}

/** The capacity of every tier on every cloud of the spec. */
export interface CapacityReport {
  readonly tiers: readonly TierCapacity[];
  /** Per cloud, the tier that saturates first as traffic grows. */
  readonly firstToSaturate: Readonly<Partial<Record<Cloud, TierCapacity>>>;
  /** One line per shortfall (and per scaling target the instances cannot reach), clouds merged. */
  readonly warnings: readonly string[];
}

/** Demand at the peak, before it is split over nodes (same on every cloud). */
export interface Demand {
  /** Requests/s that reach the load balancer (after the CDN offload). */
  readonly originRps: number;
  /** Read queries/s that miss the cache, all shards together. */
  readonly readQps: number;
  /** Write queries/s, all shards together. */
  readonly writeQps: number;
  /** Cache operations/s: a GET per read, a SET per miss, an invalidation per write. */
  readonly cacheOps: number;
}

export function demand(t: ResolvedTraffic): Demand {
  const originRps = t.peakRequestsPerSecond * (1 - (t.assumptions.cdnOffloadShare ?? 0));
  const reads = originRps * t.readShare;
  const writes = originRps - reads;
  const misses = reads * (1 - t.cacheHitRatio);
  return {
    originRps,
    readQps: misses * t.queriesPerRequest,
    writeQps: writes * t.queriesPerRequest,
    cacheOps: reads + misses + writes,
  };
}

const round = (n: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const inverse = (load: number | undefined) => (load === undefined || load <= 0 ? undefined : 1 / load);
const change = (field: string, from: string | number | boolean, to: string | number | boolean) =>
  `${field}: ${from} → ${to}`;

/** Readers of one shard on this cloud: Aurora's HA standby is a reader, the others' are not. */
export function readersPerShard(spec: ResolvedSpec, cloud: Cloud): number {
  const r = spec.database.readReplicas;
  return cloud === 'aws' && spec.database.highAvailability ? Math.max(r, 1) : r;
}

/** Queries/s one database server of this size serves at the planned CPU. */
function serverQps(cloud: Cloud, size: Size, kind: 'read' | 'write', t: ResolvedTraffic) {
  const vcpu = DATABASE_SIZES[size][cloud].vcpu;
  const perVcpu = kind === 'read' ? t.assumptions.readQueriesPerVcpu : t.assumptions.writeQueriesPerVcpu;
  return vcpu * (perVcpu ?? 0) * ((t.assumptions.databaseTargetCpuPercent ?? 100) / 100);
}

/** The next neutral size up that reaches `enough`, by a capacity function; undefined when none does. */
function sizeThatServes(from: Size, enough: (s: Size) => boolean): Size | undefined {
  return SIZES.slice(SIZES.indexOf(from) + 1).find(enough);
}

/**
 * A tier from its numbers. `linear` tiers grow with requests/s, so their headroom is
 * available / needed, unless `growth` gives it (a writer shared by reads and writes saturates
 * when the two loads together fill it, which neither ratio alone shows).
 */
function tier(
  base: Omit<TierCapacity, 'ok' | 'headroom' | 'saturatesAtRps' | 'advice'>,
  peak: number,
  linear: boolean,
  advise: () => string,
  growth?: number,
): TierCapacity {
  const ok = base.available === null || base.needed <= base.available;
  const ratio = growth ?? (base.available !== null && base.needed > 0 ? base.available / base.needed : undefined);
  const headroom = linear && ratio !== undefined ? round(ratio, 2) : null;
  return {
    ...base,
    needed: round(base.needed),
    available: base.available === null ? null : round(base.available),
    ok,
    advice: ok ? null : advise(),
    headroom,
    saturatesAtRps: headroom === null || ratio === undefined ? null : round(peak * ratio),
  };
}

function computeTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, d: Demand): TierCapacity {
  const c = spec.compute;
  const needed = Math.ceil(d.originRps / t.requestsPerInstance);
  return tier(
    {
      cloud,
      tier: 'compute instances',
      unit: 'instances',
      needed,
      available: c.maxInstances,
      field: 'compute.maxInstances',
      note: `${fmt(d.originRps)} req/s ÷ ${fmt(t.requestsPerInstance)} req/s per instance; min ${c.minInstances}${needed <= c.minInstances ? ' already covers the peak' : ''}`,
    },
    t.peakRequestsPerSecond,
    false,
    () => change('compute.maxInstances', c.maxInstances, needed),
  );
}

/** Compute headroom is in requests, not whole instances: the group saturates at max × per-instance rate. */
function withComputeHeadroom(tc: TierCapacity, t: ResolvedTraffic, d: Demand): TierCapacity {
  const headroom = round(((tc.available ?? 0) * t.requestsPerInstance) / d.originRps, 2);
  return { ...tc, headroom, saturatesAtRps: round(t.peakRequestsPerSecond * headroom) };
}

/** Utilisation of a writer that also serves the reads (no readers), by reads and writes together. */
function sharedWriterLoad(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, d: Demand): number | undefined {
  if (readersPerShard(spec, cloud) > 0) return undefined;
  const shards = spec.database.shards.length;
  const size = spec.database.size;
  return (
    d.readQps / shards / serverQps(cloud, size, 'read', t) + d.writeQps / shards / serverQps(cloud, size, 'write', t)
  );
}

function databaseReadTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, d: Demand): TierCapacity {
  const db = spec.database;
  const shards = db.shards.length;
  const readers = readersPerShard(spec, cloud);
  const reads = d.readQps / shards;
  const writes = d.writeQps / shards;
  const replicaQps = serverQps(cloud, db.replicaSize, 'read', t);
  const writerReadQps = serverQps(cloud, db.size, 'read', t);
  const writerWriteQps = serverQps(cloud, db.size, 'write', t);
  // Without readers the writer serves both: reads get what the writes leave of its CPU.
  const available =
    readers > 0 ? readers * replicaQps : writerReadQps * Math.max(0, 1 - writes / Math.max(writerWriteQps, 1e-9));
  const limit = CLOUD_LIMITS[cloud].databaseReadReplicas.max;
  const advise = () => {
    const replicas = Math.ceil(reads / replicaQps);
    if (replicas <= limit) return change('database.readReplicas', db.readReplicas, replicas);
    const size = sizeThatServes(db.replicaSize, (s) => limit * serverQps(cloud, s, 'read', t) >= reads);
    if (size)
      return `${change('database.readReplicas', db.readReplicas, limit)} and ${change('database.replicaSize', db.replicaSize, size)}`;
    return change('database.shards', shards, Math.ceil((shards * reads) / (limit * replicaQps)));
  };
  return tier(
    {
      cloud,
      tier: 'database reads per shard',
      unit: 'queries/s',
      needed: reads,
      available,
      field: 'database.readReplicas',
      note:
        readers > 0
          ? `${readers} reader(s) × ${fmt(replicaQps)} q/s (${DATABASE_SIZES[db.replicaSize][cloud].type})`
          : `no readers: the writer serves reads with the CPU the writes leave`,
    },
    t.peakRequestsPerSecond,
    true,
    advise,
    inverse(sharedWriterLoad(spec, cloud, t, d)),
  );
}

function databaseWriteTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, d: Demand): TierCapacity {
  const db = spec.database;
  const shards = db.shards.length;
  const readers = readersPerShard(spec, cloud);
  const reads = readers > 0 ? 0 : d.readQps / shards;
  const writes = d.writeQps / shards;
  const capacity = (s: Size) =>
    serverQps(cloud, s, 'write', t) * Math.max(0, 1 - reads / Math.max(serverQps(cloud, s, 'read', t), 1e-9));
  const advise = () => {
    const size = sizeThatServes(db.size, (s) => capacity(s) >= writes);
    if (size) return change('database.size', db.size, size);
    return change('database.shards', shards, Math.ceil((shards * writes) / Math.max(capacity(db.size), 1e-9)));
  };
  return tier(
    {
      cloud,
      tier: 'database writes per shard',
      unit: 'queries/s',
      needed: writes,
      available: capacity(db.size),
      field: 'database.size',
      note: `writer ${DATABASE_SIZES[db.size][cloud].type} at ${t.assumptions.databaseTargetCpuPercent}% CPU${reads > 0 ? ', sharing its CPU with the reads' : ''}`,
    },
    t.peakRequestsPerSecond,
    true,
    advise,
    inverse(sharedWriterLoad(spec, cloud, t, d)),
  );
}

/** The pooler in front of a server role on this cloud, when the spec turns pooling on. */
function pooler(spec: ResolvedSpec, cloud: Cloud, role: 'writer' | 'reader'): string | undefined {
  if (!spec.database.connectionPooling) return undefined;
  if (cloud === 'azure') return 'PgBouncer';
  // The AWS stack puts RDS Proxy in front of the writer only; Cloud SQL offers no pooler here.
  return cloud === 'aws' && role === 'writer' ? 'RDS Proxy' : undefined;
}

function connectionTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, role: 'writer' | 'reader'): TierCapacity {
  const db = spec.database;
  const size = role === 'writer' ? db.size : db.replicaSize;
  const memory = DATABASE_SIZES[size][cloud].memoryGiB;
  const limit = connectionLimit(cloud, memory);
  const perInstance = t.assumptions.connectionsPerInstance ?? 0;
  const clients = spec.compute.maxInstances * perInstance;
  const pool = pooler(spec, cloud, role);
  const available = pool === 'RDS Proxy' ? null : pool ? POOLER_CLIENT_LIMIT.azure.limit : limit.usable;
  const offersPooling = cloud !== 'gcp' && (cloud === 'azure' || role === 'writer');
  const advise = () => {
    if (!db.connectionPooling && offersPooling) return change('database.connectionPooling', false, true);
    const field = role === 'writer' ? 'database.size' : 'database.replicaSize';
    const bigger = sizeThatServes(
      size,
      (s) => connectionLimit(cloud, DATABASE_SIZES[s][cloud].memoryGiB).usable >= clients,
    );
    if (bigger) return change(field, size, bigger);
    return change(
      'traffic.assumptions.connectionsPerInstance',
      perInstance,
      Math.floor((available ?? 0) / spec.compute.maxInstances),
    );
  };
  return tier(
    {
      cloud,
      tier: `database connections per ${role}`,
      unit: 'connections',
      needed: clients,
      available,
      field: 'database.connectionPooling',
      note: pool
        ? `${pool} pools ${spec.compute.maxInstances} instances × ${perInstance}; max_connections ${limit.maxConnections}`
        : `${spec.compute.maxInstances} instances × ${perInstance} vs max_connections ${limit.maxConnections} (${limit.usable} usable)`,
    },
    t.peakRequestsPerSecond,
    false,
    advise,
  );
}

function cacheOpsTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic, d: Demand): TierCapacity {
  // Azure Managed Redis sizes shards itself; the model counts one primary there.
  const shards = cloud === 'azure' ? 1 : spec.cache.shards;
  const perNode = t.assumptions.cacheOpsPerNode ?? 0;
  const needed = d.cacheOps / shards;
  const limit = CLOUD_LIMITS[cloud].cacheShards?.max ?? 1;
  const advise = () => {
    if (cloud === 'azure') {
      const next = SIZES[SIZES.indexOf(spec.cache.size) + 1];
      return next
        ? `${change('cache.size', spec.cache.size, next)} (Azure Managed Redis grows throughput with its SKU; load-test it)`
        : 'cache.size: xlarge is the largest size; use an explicit larger SKU and load-test it';
    }
    return change('cache.shards', spec.cache.shards, Math.min(limit, Math.ceil(d.cacheOps / perNode)));
  };
  return tier(
    {
      cloud,
      tier: 'cache operations per shard',
      unit: 'operations/s',
      needed,
      available: perNode,
      field: cloud === 'azure' ? 'cache.size' : 'cache.shards',
      note: `GET per read, SET per miss, invalidation per write, over ${shards} primary(ies)`,
    },
    t.peakRequestsPerSecond,
    true,
    advise,
  );
}

function cacheMemoryTier(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic): TierCapacity | undefined {
  const workingSet = t.assumptions.cacheWorkingSetGiB;
  if (workingSet === undefined) return undefined;
  const shards = cloud === 'azure' ? 1 : spec.cache.shards;
  const usable = (s: Size) => CACHE_SIZES[s][cloud].memoryGiB * (t.assumptions.cacheUsableMemoryShare ?? 1);
  const advise = () => {
    const size = sizeThatServes(spec.cache.size, (s) => usable(s) * shards >= workingSet);
    if (size) return change('cache.size', spec.cache.size, size);
    return change('cache.shards', spec.cache.shards, Math.ceil(workingSet / usable(spec.cache.size)));
  };
  return tier(
    {
      cloud,
      tier: 'cache memory per shard',
      unit: 'GiB',
      needed: workingSet / shards,
      available: usable(spec.cache.size),
      field: 'cache.size',
      note: `${CACHE_SIZES[spec.cache.size][cloud].type}: ${CACHE_SIZES[spec.cache.size][cloud].memoryGiB} GiB × ${t.assumptions.cacheUsableMemoryShare} usable`,
    },
    t.peakRequestsPerSecond,
    false,
    advise,
  );
}

/** Every tier of one cloud. */
export function cloudTiers(spec: ResolvedSpec, cloud: Cloud, t: ResolvedTraffic): TierCapacity[] {
  const d = demand(t);
  const tiers = [
    withComputeHeadroom(computeTier(spec, cloud, t, d), t, d),
    databaseReadTier(spec, cloud, t, d),
    databaseWriteTier(spec, cloud, t, d),
    connectionTier(spec, cloud, t, 'writer'),
    ...(readersPerShard(spec, cloud) > 0 ? [connectionTier(spec, cloud, t, 'reader')] : []),
    cacheOpsTier(spec, cloud, t, d),
  ];
  const memory = cacheMemoryTier(spec, cloud, t);
  return memory ? [...tiers, memory] : tiers;
}

/** Warnings that are not a tier: a scaling target the instances cannot reach. */
function scalingWarnings(spec: ResolvedSpec, t: ResolvedTraffic): string[] {
  const target = spec.compute.targetRequestsPerInstance;
  if (target === undefined || target <= t.requestsPerInstance) return [];
  return [
    `${change('compute.scaling.targetRequestsPerInstance', target, t.requestsPerInstance)} (an instance serves ${fmt(t.requestsPerInstance)} req/s at targetCpuPercent; the group would scale out only after instances saturate)`,
  ];
}

/** Shortfalls as lines, the same advice on several clouds merged into one line. */
function shortfallWarnings(tiers: readonly TierCapacity[]): string[] {
  const byAdvice = new Map<string, TierCapacity[]>();
  for (const tc of tiers) {
    if (tc.advice === null) continue;
    byAdvice.set(tc.advice, [...(byAdvice.get(tc.advice) ?? []), tc]);
  }
  return [...byAdvice.entries()].map(([advice, list]) => {
    const first = list[0] as TierCapacity;
    const clouds = [...new Set(list.map((tc) => CLOUD_LABEL[tc.cloud]))].join(', ');
    const available = first.available === null ? 'no limit' : fmt(first.available);
    return `${clouds}: ${advice} (${first.tier}: ${fmt(first.needed)} ${first.unit} needed, ${available} available)`;
  });
}

/** The whole capacity report of a spec with traffic. */
export function capacityReport(spec: ResolvedSpec, t: ResolvedTraffic): CapacityReport {
  const tiers = spec.clouds.flatMap((cloud) => cloudTiers(spec, cloud, t));
  const firstToSaturate: Partial<Record<Cloud, TierCapacity>> = {};
  for (const cloud of spec.clouds) {
    const ranked = tiers
      .filter((tc) => tc.cloud === cloud && tc.headroom !== null)
      .sort((a, b) => (a.headroom ?? 0) - (b.headroom ?? 0));
    if (ranked[0]) firstToSaturate[cloud] = ranked[0];
  }
  return { tiers, firstToSaturate, warnings: [...shortfallWarnings(tiers), ...scalingWarnings(spec, t)] };
}
