import type { Cloud } from './constants';

/*
 * The per-node capacity figures the planner (lib/capacity.ts) needs and no spec field states.
 * Each is a planning figure, not a guarantee: the source or reasoning says where it comes from,
 * and `traffic.assumptions.<key>` in a spec replaces it with the user's own measurement.
 */

/** One entry of the assumptions table. */
export interface Assumption {
  /** The figure; `undefined` when there is no honest default and the check is skipped. */
  readonly value: number | undefined;
  readonly unit: string;
  /** One line, used in the schema and the plan output. */
  readonly description: string;
  /** Where the figure comes from, or the reasoning behind it. */
  readonly source: string;
  /** A share between 0 and 1 rather than a positive amount. */
  readonly share?: boolean;
  /** Largest value an override may take (a sanity bound). */
  readonly max: number;
}

export const ASSUMPTIONS = {
  readQueriesPerVcpu: {
    value: 1000,
    unit: 'queries/s per database vCPU at 100% CPU',
    description: 'Indexed point reads one database vCPU serves',
    source:
      'Reasoning: pgbench -S (one primary-key SELECT per transaction, data in memory) sustains well over 10,000 transactions/s per core; real application reads join, sort and return rows, so a tenth of that is the planning figure. Measure yours with pg_stat_statements (calls / total_exec_time).',
    max: 1_000_000,
  },
  writeQueriesPerVcpu: {
    value: 300,
    unit: 'queries/s per database vCPU at 100% CPU',
    description: 'Single-row writes one writer vCPU serves',
    source:
      'Reasoning: a write also updates indexes, writes WAL and waits for the commit to be durable (and, on Aurora, acknowledged by the storage quorum); pgbench TPC-B-like transactions (3 UPDATEs, 1 INSERT, 1 SELECT) run several times slower than select-only ones, so a third of the read figure.',
    max: 1_000_000,
  },
  databaseTargetCpuPercent: {
    value: 70,
    unit: '% CPU',
    description: 'Highest database CPU to plan for',
    source:
      'Reasoning: leaves room for autovacuum, checkpoints, a replica catching up after a failover and the alarm threshold (lib/alarms.ts alarms on sustained high database CPU).',
    max: 100,
  },
  connectionsPerInstance: {
    value: 10,
    unit: 'connections per app instance, per database server',
    description: 'Database connections each app instance keeps to each server it uses',
    source:
      'The default pool size of common clients: node-postgres Pool max = 10, HikariCP maximumPoolSize = 10, pgx pool max = max(4, CPUs); set it to your pool size.',
    max: 10_000,
  },
  cacheOpsPerNode: {
    value: 80_000,
    unit: 'operations/s per cache primary',
    description: 'Redis GET/SET operations one cache primary serves',
    source:
      'Reasoning: Redis runs commands on one thread; redis-benchmark on a current server core reaches 100,000-200,000 simple GET/SET per second without pipelining, and TLS (on in every stack) costs a large share of that, so 80,000 per primary.',
    max: 10_000_000,
  },
  cacheUsableMemoryShare: {
    value: 0.75,
    unit: 'share of node memory',
    description: 'Share of a cache node memory that holds keys',
    source:
      'ElastiCache reserves 25% of node memory by default (reserved-memory-percent = 25) for replication buffers, fork copy-on-write and fragmentation; the same head-room is planned on Memorystore and Azure Managed Redis.',
    share: true,
    max: 1,
  },
  cacheWorkingSetGiB: {
    value: undefined,
    unit: 'GiB',
    description: 'Memory the hot key set needs (keys, values and per-key overhead)',
    source:
      'No default: it depends on your keys. Estimate hot keys x (value bytes + about 100 bytes of Redis per-key overhead), or read used_memory from a staging cache.',
    max: 100_000,
  },
  averageToPeakRatio: {
    value: 0.4,
    unit: 'average / peak requests per second',
    description: 'Average traffic over a month as a share of the peak, for usage-priced items',
    source:
      'Reasoning: a daily curve that peaks for a few business hours and falls to a tenth at night averages 30-50% of its peak; 0.4 is the middle. Replace with average/peak from your load balancer metrics.',
    share: true,
    max: 1,
  },
  cdnOffloadShare: {
    value: 0,
    unit: 'share of requests',
    description: 'Share of requests the CDN answers from its cache (never reach the load balancer)',
    source:
      'No honest default: it depends on how much traffic matches cdn.cachedPaths, so the planner assumes none and sizes the origin for all traffic. Read the cache hit ratio from your CDN metrics.',
    share: true,
    max: 1,
  },
} as const satisfies Record<string, Assumption>;

export type AssumptionKey = keyof typeof ASSUMPTIONS;

/** A database server's connection limit and how it was derived. */
export interface ConnectionLimit {
  /** max_connections of the engine default. */
  readonly maxConnections: number;
  /** Connections the application may open (max_connections less the reserved ones). */
  readonly usable: number;
  readonly source: string;
}

const GIB = 1024 ** 3;
// PostgreSQL's superuser_reserved_connections default; the managed services keep it.
const SUPERUSER_RESERVED = 3;
// Flexible Server keeps 15 connections for the service itself ("Limits").
const AZURE_RESERVED = 15;

/** Aurora PostgreSQL's default: LEAST(DBInstanceClassMemory / 9531392, 5000). */
const auroraMaxConnections = (memoryGiB: number) => Math.min(Math.floor((memoryGiB * GIB) / 9_531_392), 5000);

/** Cloud SQL's default max_connections by instance memory (GiB lower bound → limit), largest first. */
const CLOUD_SQL_MAX_CONNECTIONS: ReadonlyArray<readonly [number, number]> = [
  [120, 1000],
  [60, 800],
  [30, 600],
  [15, 500],
  [7.5, 400],
  [6, 200],
  [3.75, 100],
  [1.7, 50],
];
/**
 * An unknown Cloud SQL memory (0) takes the limit of the smallest size-table tier (4 GiB), so an
 * alarm derived from it fires early rather than late; a known memory below 1.7 GiB is a micro tier.
 */
const CLOUD_SQL_UNKNOWN_MEMORY = 100;
const CLOUD_SQL_MICRO = 25;

/** Flexible Server's default max_connections by SKU memory (GiB lower bound → limit), largest first. */
const AZURE_MAX_CONNECTIONS: ReadonlyArray<readonly [number, number]> = [
  [64, 5000],
  [32, 3438],
  [16, 1719],
  [8, 859],
  [0, 429],
];

/**
 * The default max_connections of each cloud's PostgreSQL for a server with this memory: the one
 * table the planner and the connection alarms of every cloud read.
 */
export function defaultMaxConnections(cloud: Cloud, memoryGiB: number): number {
  if (cloud === 'aws') return auroraMaxConnections(memoryGiB);
  if (cloud === 'gcp') {
    const row = CLOUD_SQL_MAX_CONNECTIONS.find(([floor]) => memoryGiB >= floor);
    return row ? row[1] : memoryGiB > 0 ? CLOUD_SQL_MICRO : CLOUD_SQL_UNKNOWN_MEMORY;
  }
  return (AZURE_MAX_CONNECTIONS.find(([floor]) => memoryGiB >= floor) ?? [0, 429])[1];
}

const LIMIT_SOURCES: Record<Cloud, string> = {
  aws: 'Aurora PostgreSQL default LEAST(DBInstanceClassMemory/9531392, 5000) (Aurora User Guide, "Maximum connections to an Aurora PostgreSQL DB instance"), with the nominal memory: an upper bound, the instance reserves some memory',
  gcp: 'Cloud SQL for PostgreSQL default max_connections by instance memory (Cloud SQL "Quotas and limits")',
  azure:
    'Azure Database for PostgreSQL flexible server default max_connections by SKU memory ("Limits"), 15 reserved for the service',
};

/** The default max_connections of each cloud's PostgreSQL for a server with this memory, and what the app may use. */
export function connectionLimit(cloud: Cloud, memoryGiB: number): ConnectionLimit {
  const max = defaultMaxConnections(cloud, memoryGiB);
  return {
    maxConnections: max,
    usable: max - (cloud === 'azure' ? AZURE_RESERVED : SUPERUSER_RESERVED),
    source: LIMIT_SOURCES[cloud],
  };
}

/** Client connections the built-in poolers accept, where the model needs one. */
export const POOLER_CLIENT_LIMIT = {
  /** Azure's built-in PgBouncer: pgbouncer.max_client_conn default. */
  azure: { limit: 5000, source: 'Azure flexible server PgBouncer parameter pgbouncer.max_client_conn, default 5000' },
} as const;
