import type { Cloud } from './constants';

/** An inclusive range with the documentation it comes from, so messages can cite it. */
export interface Range {
  readonly min: number;
  readonly max: number;
  /** Which product the limit belongs to, e.g. "Aurora PostgreSQL". */
  readonly product: string;
}

/** Documented per-cloud limits the spec must respect. One table, used by validation and docs. */
export interface CloudLimits {
  /** Read replicas per database primary. */
  readonly databaseReadReplicas: Range;
  /** Automated backup retention in days. */
  readonly backupRetentionDays: Range;
  /** Replicas per cache shard; `null` when the service fixes it (the spec only toggles HA). */
  readonly cacheReplicasPerShard: Range | null;
  /** Replicas per shard when the cache is clustered (shards > 1); `null` as above. */
  readonly cacheClusterReplicasPerShard: Range | null;
  /** Shards of a clustered cache; `null` when the cloud does not expose a shard count. */
  readonly cacheShards: Range | null;
  /** Instances in one auto-scaling group. */
  readonly groupInstances: Range;
  /** Scaling schedules per group (each schedule needs a start and an end action / profile). */
  readonly schedules: Range;
}

export const CLOUD_LIMITS: Record<Cloud, CloudLimits> = {
  aws: {
    // Aurora: up to 15 Aurora Replicas per cluster.
    databaseReadReplicas: { min: 0, max: 15, product: 'Aurora PostgreSQL' },
    backupRetentionDays: { min: 1, max: 35, product: 'Aurora PostgreSQL' },
    // ElastiCache: 0-5 replicas per node group.
    cacheReplicasPerShard: { min: 0, max: 5, product: 'ElastiCache for Redis' },
    cacheClusterReplicasPerShard: { min: 0, max: 5, product: 'ElastiCache for Redis (cluster mode)' },
    cacheShards: { min: 1, max: 500, product: 'ElastiCache for Redis (cluster mode)' },
    groupInstances: { min: 0, max: 1000, product: 'EC2 Auto Scaling' },
    // 125 scheduled actions per group; two per window.
    schedules: { min: 0, max: 62, product: 'EC2 Auto Scaling' },
  },
  gcp: {
    // Cloud SQL: up to 10 read replicas per primary.
    databaseReadReplicas: { min: 0, max: 10, product: 'Cloud SQL for PostgreSQL' },
    // Retained backups 1-365; the product keeps transaction logs (PITR) for at most 7 of those.
    backupRetentionDays: { min: 1, max: 365, product: 'Cloud SQL for PostgreSQL' },
    // Memorystore for Redis Standard tier: 1-5 read replicas (0 = Basic tier).
    cacheReplicasPerShard: { min: 0, max: 5, product: 'Memorystore for Redis' },
    cacheClusterReplicasPerShard: { min: 0, max: 2, product: 'Memorystore for Redis Cluster' },
    cacheShards: { min: 1, max: 250, product: 'Memorystore for Redis Cluster' },
    groupInstances: { min: 0, max: 2000, product: 'regional managed instance group' },
    schedules: { min: 0, max: 128, product: 'Compute Engine autoscaler' },
  },
  azure: {
    // Flexible Server: up to 5 read replicas per primary.
    databaseReadReplicas: { min: 0, max: 5, product: 'Azure Database for PostgreSQL Flexible Server' },
    backupRetentionDays: { min: 7, max: 35, product: 'Azure Database for PostgreSQL Flexible Server' },
    // Azure Managed Redis: high availability on/off; the service places the replica itself.
    cacheReplicasPerShard: null,
    cacheClusterReplicasPerShard: null,
    cacheShards: null,
    groupInstances: { min: 0, max: 1000, product: 'Virtual Machine Scale Sets' },
    // 20 autoscale profiles: the default one plus a start and an end profile per window.
    schedules: { min: 0, max: 9, product: 'Azure Monitor autoscale' },
  },
};

/** Database shards: independent primary + replica sets. A product limit, not a cloud one. */
export const MAX_DATABASE_SHARDS = 16;

/** Smallest network the subnet plan fits in (see network-plan.ts) and the largest accepted. */
export const NETWORK_PREFIX = { min: 16, max: 20 } as const;

/** Load balancer idle timeout: the AWS ALB range, which GCP and Azure both contain. */
export const IDLE_TIMEOUT_SECONDS = { min: 1, max: 4000 } as const;

/** Prod floors that can only be waived with `database.allowUnsafeProd`. */
export const PROD_MIN_BACKUP_RETENTION_DAYS = 7;

/**
 * Request bodies the WAF lets through (KiB). 8 is the smallest any cloud's WAF inspects; 2000 is
 * the Application Gateway WAF's largest enforced body (CRS 3.2+). The default takes JSON APIs and
 * small uploads; AWS (ALB) and GCP (Cloud Armor) WAFs inspect only the first 8 KiB and never block
 * a body for its size.
 */
export const REQUEST_BODY_KIB = { min: 8, max: 2000, default: 1024 } as const;
