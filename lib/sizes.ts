import type { Cloud, Size } from './constants';

/** What a neutral size means in hardware, so plans and docs can compare clouds. */
export interface Capacity {
  /** Virtual CPUs. */
  readonly vcpu: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
}

/** A concrete type offered by one cloud, with the capacity it buys. */
export interface SizedType extends Capacity {
  /** The cloud's own type / tier / SKU name. */
  readonly type: string;
}

/**
 * Compute VM types. All are current generation and offered in us-east-1, us-central1 and
 * eastus. Azure small is F2s_v2 rather than a B-series because B-series cannot run as Spot.
 */
export const COMPUTE_SIZES: Record<Size, Record<Cloud, SizedType>> = {
  small: {
    aws: { type: 't3.medium', vcpu: 2, memoryGiB: 4 },
    gcp: { type: 'e2-medium', vcpu: 2, memoryGiB: 4 },
    azure: { type: 'Standard_F2s_v2', vcpu: 2, memoryGiB: 4 },
  },
  medium: {
    aws: { type: 'm7i.large', vcpu: 2, memoryGiB: 8 },
    gcp: { type: 'n2-standard-2', vcpu: 2, memoryGiB: 8 },
    azure: { type: 'Standard_D2s_v5', vcpu: 2, memoryGiB: 8 },
  },
  large: {
    aws: { type: 'm7i.xlarge', vcpu: 4, memoryGiB: 16 },
    gcp: { type: 'n2-standard-4', vcpu: 4, memoryGiB: 16 },
    azure: { type: 'Standard_D4s_v5', vcpu: 4, memoryGiB: 16 },
  },
  xlarge: {
    aws: { type: 'm7i.2xlarge', vcpu: 8, memoryGiB: 32 },
    gcp: { type: 'n2-standard-8', vcpu: 8, memoryGiB: 32 },
    azure: { type: 'Standard_D8s_v5', vcpu: 8, memoryGiB: 32 },
  },
};

/**
 * Cache node types. GCP has two products: Memorystore for Redis is sized by memory (`type`
 * is the GB count) and Memorystore for Redis Cluster by node type (`clusterType`). Standard
 * tier read replicas need at least 5 GB, hence GCP small = 5.
 */
export const CACHE_SIZES: Record<Size, Record<Cloud, SizedType & { clusterType?: string }>> = {
  small: {
    aws: { type: 'cache.t4g.medium', vcpu: 2, memoryGiB: 3.09 },
    gcp: { type: '5', clusterType: 'REDIS_STANDARD_SMALL', vcpu: 2, memoryGiB: 5 },
    azure: { type: 'Balanced_B3', vcpu: 2, memoryGiB: 3 },
  },
  medium: {
    aws: { type: 'cache.r7g.large', vcpu: 2, memoryGiB: 13.07 },
    gcp: { type: '13', clusterType: 'REDIS_HIGHMEM_MEDIUM', vcpu: 2, memoryGiB: 13 },
    azure: { type: 'Balanced_B10', vcpu: 4, memoryGiB: 12 },
  },
  large: {
    aws: { type: 'cache.r7g.xlarge', vcpu: 4, memoryGiB: 26.32 },
    gcp: { type: '26', clusterType: 'REDIS_HIGHMEM_XLARGE', vcpu: 4, memoryGiB: 26 },
    azure: { type: 'Balanced_B20', vcpu: 8, memoryGiB: 24 },
  },
  xlarge: {
    aws: { type: 'cache.r7g.2xlarge', vcpu: 8, memoryGiB: 52.82 },
    gcp: { type: '52', clusterType: 'REDIS_HIGHMEM_XLARGE', vcpu: 8, memoryGiB: 52 },
    azure: { type: 'Balanced_B50', vcpu: 16, memoryGiB: 60 },
  },
};

/** An Aurora Serverless v2 capacity range, in Aurora capacity units (ACU, about 2 GiB of memory each). */
export interface CapacityUnits {
  /** Lowest capacity an instance scales down to (and is billed for while idle). */
  readonly min: number;
  /** Highest capacity an instance scales up to; max_connections is derived from it. */
  readonly max: number;
}

/** A database type; `capacityUnits` when the type is Aurora Serverless v2 (db.serverless). */
export type DatabaseSizedType = SizedType & { readonly capacityUnits?: CapacityUnits };

/**
 * PostgreSQL instance classes. Cloud SQL custom tiers need the ENTERPRISE edition; Azure
 * small is General Purpose because Burstable servers support neither HA nor replicas.
 * AWS small is Aurora Serverless v2, not a T class: T classes have no RDS Data API, which the
 * app login needs. 0.5 ACU is the lowest minimum without auto-pause (auto-pause is incompatible
 * with RDS Proxy); at its 2 ACU maximum an instance has about 4 GiB (AWS: "each ACU is a
 * combination of approximately 2 GiB of memory, corresponding CPU, and networking"). AWS gives
 * no vCPU count per ACU: the 2 vCPU are the planning figure of every cloud's small.
 */
export const DATABASE_SIZES: Record<Size, Record<Cloud, DatabaseSizedType>> = {
  small: {
    aws: { type: 'db.serverless', vcpu: 2, memoryGiB: 4, capacityUnits: { min: 0.5, max: 2 } },
    gcp: { type: 'db-custom-2-4096', vcpu: 2, memoryGiB: 4 },
    azure: { type: 'GP_Standard_D2ds_v5', vcpu: 2, memoryGiB: 8 },
  },
  medium: {
    aws: { type: 'db.r7g.large', vcpu: 2, memoryGiB: 16 },
    gcp: { type: 'db-custom-2-13312', vcpu: 2, memoryGiB: 13 },
    azure: { type: 'MO_Standard_E2ds_v5', vcpu: 2, memoryGiB: 16 },
  },
  large: {
    aws: { type: 'db.r7g.xlarge', vcpu: 4, memoryGiB: 32 },
    gcp: { type: 'db-custom-4-26624', vcpu: 4, memoryGiB: 26 },
    azure: { type: 'MO_Standard_E4ds_v5', vcpu: 4, memoryGiB: 32 },
  },
  xlarge: {
    aws: { type: 'db.r7g.2xlarge', vcpu: 8, memoryGiB: 64 },
    gcp: { type: 'db-custom-8-53248', vcpu: 8, memoryGiB: 52 },
    azure: { type: 'MO_Standard_E8ds_v5', vcpu: 8, memoryGiB: 64 },
  },
};

/** Flexible Server tiers, smallest first: the `B_`, `GP_`, `MO_` that starts a SKU name. */
export const AZURE_POSTGRES_TIERS = ['B', 'GP', 'MO'] as const;

/** The vCores of a Flexible Server SKU name: the number after the family (`MO_Standard_E4ds_v5` → 4). */
const AZURE_VCORES = '^[A-Z]+_Standard_[A-Z]+([0-9]+)';

/**
 * A Flexible Server SKU as [tier rank, vCores] (`MO_Standard_E4ds_v5` → [2, 4]); -1 for a part
 * the name does not show. Azure wants a read replica at least its primary in both.
 */
export function azurePostgresSku(sku: unknown): [number, number] {
  const s = String(sku ?? '');
  const tier = (AZURE_POSTGRES_TIERS as readonly string[]).indexOf(s.split('_')[0] ?? '');
  return [tier, Number(new RegExp(AZURE_VCORES).exec(s)?.[1] ?? -1)];
}

/** Is Flexible Server SKU `a` at least `b` in tier and in vCores (what a replica needs against its primary)? */
export function azurePostgresSkuCovers(a: unknown, b: unknown): boolean {
  const [x, y] = [azurePostgresSku(a), azurePostgresSku(b)];
  return x[0] >= y[0] && x[1] >= y[1];
}

/**
 * The same test as HCL, for a plan-time condition: is SKU expression `a` at least `b` in tier and
 * in vCores? What the pattern cannot read counts -1 (an unreadable `b` never refuses).
 */
export function azurePostgresSkuAtLeast(a: string, b: string): string {
  const vcores = (x: string) => `try(tonumber(regex(${JSON.stringify(AZURE_VCORES)}, ${x})[0]), -1)`;
  const tier = (x: string) => `try(index(${JSON.stringify(AZURE_POSTGRES_TIERS)}, split("_", ${x})[0]), -1)`;
  return `${tier(a)} >= ${tier(b)} && ${vcores(a)} >= ${vcores(b)}`;
}

/** A compute size in the spec: a neutral size, or one explicit type per cloud. */
export type SizeChoice = Size | Partial<Record<Cloud, string>>;

/**
 * Resolves a neutral or explicit size to each cloud's type. An explicit per-cloud object
 * must name every cloud being synthesized (validation enforces it); unnamed clouds fall back
 * to `medium` so that a partial object never produces an undefined type.
 */
export function resolveSize(
  table: Record<Size, Record<Cloud, SizedType>>,
  choice: SizeChoice,
  cloud: Cloud,
): SizedType {
  if (typeof choice === 'string') return table[choice][cloud];
  const type = choice[cloud];
  if (type === undefined) return table.medium[cloud];
  const known = Object.values(table)
    .map((row) => row[cloud])
    .find((t) => t.type === type);
  // An explicit type outside the table still works; its capacity is unknown (0 = not modelled).
  return known ?? { type, vcpu: 0, memoryGiB: 0 };
}
