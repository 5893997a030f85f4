import { CLOUDS, type Cloud, type Environment, type PostgresVersion, type Size } from './constants';
import { REQUEST_BODY_KIB } from './limits';
import { cacheRevisionSuffix, Names, shardSuffix } from './naming';
import { planSubnets, type SubnetPlan } from './network-plan';
import { PRESETS, type Preset } from './presets';
import { type ResolvedSchedule, resolveSchedule } from './schedules';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES, resolveSize, type SizeChoice, type SizedType } from './sizes';
import type { ParsedSpec } from './spec';
import type { TrafficSpec } from './traffic';

/** Default regions: where every size-table entry is offered. */
export const DEFAULT_REGIONS: Record<Cloud, string> = { aws: 'us-east-1', gcp: 'us-central1', azure: 'eastus' };
export const DEFAULT_CIDR = '10.0.0.0/16';
export const DEFAULT_PORT = 8080;
export const DEFAULT_HEALTH_CHECK_PATH = '/healthz';
export const DEFAULT_CACHED_PATHS = ['/static/*'];
export const DEFAULT_POSTGRES_VERSION: PostgresVersion = '16';
export const REDIS_PORT = 6379;
export const POSTGRES_PORT = 5432;
/** Database created in every primary and the admin user the secret holds. */
export const DATABASE_NAME = 'app';
export const DATABASE_ADMIN_USER = 'app_admin';

/** Instance bounds of one group. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/**
 * How `spotPercent` splits capacity. AWS expresses it in one group (on-demand base +
 * percentage above base); GCP and Azure run a second, Spot-only group behind the same load
 * balancer with these bounds.
 */
export interface SpotSplit {
  readonly onDemand: Bounds;
  /** `undefined` when spotPercent is 0: no Spot group is created. */
  readonly spot?: Bounds;
  readonly percent: number;
}

/** Certificates the spec names per cloud (see spec.ts `certificate`). */
export interface CertificateRefs {
  readonly aws?: string;
  readonly gcp?: string;
  readonly azure?: string;
  /** Resource id of the Key Vault holding `azure`. */
  readonly azureKeyVaultId?: string;
}

/** Remote Terraform state of the GCP stack. */
export interface GcsStateBackend {
  readonly bucket: string;
  /** @default the stack name */
  readonly prefix?: string;
}

/** Remote Terraform state of the Azure stack. */
export interface AzureStateBackend {
  readonly resourceGroup: string;
  readonly storageAccount: string;
  readonly container: string;
  /** @default <stack>.tfstate */
  readonly key?: string;
}

/** One database shard: a primary and its read replicas. */
export interface ShardPlan {
  /** 0-based shard number. */
  readonly index: number;
  /** Name / id suffix: '' for shard 0 (keeps the unsharded identity), '-s<n>' otherwise. */
  readonly suffix: string;
  /** Number of read replicas of this shard. */
  readonly readReplicas: number;
}

/** The spec with every default filled and every size mapped; what constructs consume. */
export interface ResolvedSpec {
  readonly name: string;
  readonly environment: Environment;
  readonly isProd: boolean;
  readonly clouds: readonly Cloud[];
  readonly regions: Readonly<Record<Cloud, string>>;
  readonly accounts: Readonly<Partial<Record<Cloud, string>>>;
  /** Derived names for every cloud. */
  readonly names: Names;
  /** Tags / labels for every resource: the user's plus app, environment and managed-by. */
  readonly tags: Readonly<Record<string, string>>;
  readonly network: {
    readonly cidr: string;
    readonly zones: number;
    readonly subnets: SubnetPlan;
    /** Zone names the spec gives explicitly, per cloud (exactly `zones` of them). */
    readonly zoneNames: { readonly aws?: readonly string[]; readonly gcp?: readonly string[] };
  };
  readonly loadBalancer: {
    readonly https?: {
      readonly domain: string;
      readonly certificate: CertificateRefs;
    };
    readonly waf: boolean;
    readonly idleTimeoutSeconds: number;
    /** Largest request body the WAF lets through, KiB. */
    readonly maxRequestBodyKiB: number;
  };
  readonly cdn: {
    readonly enabled: boolean;
    readonly cachedPaths: readonly string[];
    /** Only the CDN may reach the load balancer (set once DNS points at the CDN). */
    readonly lockOrigin: boolean;
    /** Azure HTTPS + CDN: the origin name the certificate covers (a CNAME to the gateway). */
    readonly originDomain?: string;
  };
  readonly compute: {
    readonly size: SizeChoice;
    readonly instanceType: Readonly<Record<Cloud, SizedType>>;
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly targetCpuPercent: number;
    readonly targetRequestsPerInstance?: number;
    readonly schedules: readonly ResolvedSchedule[];
    readonly spot: SpotSplit;
    readonly port: number;
    readonly healthCheckPath: string;
    readonly sshPublicKey?: string;
    readonly app: {
      readonly image: string;
      readonly env: Readonly<Record<string, string>>;
    };
  };
  readonly cache: {
    readonly size: Size;
    readonly nodeType: Readonly<Record<Cloud, SizedType & { clusterType?: string }>>;
    readonly shards: number;
    readonly replicasPerShard: number;
    /** Automatic failover: replicasPerShard >= 1. */
    readonly highAvailability: boolean;
    /** shards > 1: cluster mode / Redis Cluster. */
    readonly clustered: boolean;
    readonly port: number;
    /** spec `cache.revision`: bumped with a change that re-creates the cache. */
    readonly revision: number;
    /** Suffix of the cache's physical name at that revision ('' at 0). */
    readonly nameSuffix: string;
  };
  readonly database: {
    readonly engineVersion: PostgresVersion;
    readonly size: Size;
    readonly instanceType: Readonly<Record<Cloud, SizedType>>;
    /** Size of the read replicas (database.replicaSize, else size). */
    readonly replicaSize: Size;
    readonly replicaInstanceType: Readonly<Record<Cloud, SizedType>>;
    readonly storageGiB: number;
    readonly readReplicas: number;
    readonly shards: readonly ShardPlan[];
    readonly highAvailability: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly connectionPooling: boolean;
    readonly port: number;
    readonly databaseName: string;
    readonly adminUser: string;
    /** Rotation generation of the app's login (lib/database-roles.ts). */
    readonly appCredentialGeneration: number;
  };
  readonly alerts: {
    readonly email: string;
  };
  /** Where Terraform keeps state and runs from (GCP and Azure stacks). */
  readonly terraform: {
    readonly state: { readonly gcp?: GcsStateBackend; readonly azure?: AzureStateBackend };
    /** Public CIDRs admitted through the Azure Key Vault firewall (the Terraform runner). */
    readonly runnerCidrs: readonly string[];
    /** Terraform reaches the Azure Key Vault privately. */
    readonly privateRunner: boolean;
  };
  /** Traffic to plan for, as written (lib/traffic.ts); undefined when the spec gives none. */
  readonly traffic?: TrafficSpec;
}

const perCloud = <T>(f: (c: Cloud) => T): Record<Cloud, T> =>
  Object.fromEntries(CLOUDS.map((c) => [c, f(c)])) as Record<Cloud, T>;

/**
 * Splits [min, max] into on-demand and Spot bounds; on-demand keeps at least one instance.
 * `spotFloor` is the fewest Spot instances the Spot group keeps: a cloud whose Spot group scales
 * on its own instances' metrics needs 1 (an empty group has no samples, so nothing would ever
 * scale it out); the floor comes out of the on-demand minimum where that stays >= 1.
 */
export function splitSpot(min: number, max: number, percent: number, spotFloor = 0): SpotSplit {
  if (percent <= 0) return { onDemand: { min, max }, percent: 0 };
  const onDemandShare = (100 - percent) / 100;
  let onDemandMin = Math.max(1, Math.ceil(min * onDemandShare));
  const onDemandMax = Math.max(onDemandMin, Math.ceil(max * onDemandShare));
  const spotMax = Math.max(1, max - onDemandMax);
  let spotMin = Math.min(Math.max(0, min - onDemandMin), spotMax);
  if (spotMin < spotFloor) {
    const moved = Math.min(spotFloor - spotMin, Math.max(0, onDemandMin - 1));
    onDemandMin -= moved;
    spotMin = Math.min(spotFloor, spotMax);
  }
  return {
    onDemand: { min: onDemandMin, max: onDemandMax },
    spot: { min: spotMin, max: spotMax },
    percent,
  };
}

/**
 * A resolved spec that crossed a thread or process boundary (structured clone or JSON keeps
 * plain data only) with its class-valued fields rebuilt; everything else is already data.
 */
export function reviveSpec(data: ResolvedSpec): ResolvedSpec {
  return { ...data, names: new Names(data.name, data.environment) };
}

/**
 * Fills every default from the environment preset and maps neutral sizes to each cloud's
 * types. Call only on a spec that passed validate(); resolve does not re-check.
 */
export function resolve(spec: ParsedSpec): ResolvedSpec {
  const p: Preset = PRESETS[spec.environment];
  const clouds = spec.clouds ?? [...CLOUDS];
  const zones = spec.network?.zones ?? p.zones;
  const cidr = spec.network?.cidr ?? DEFAULT_CIDR;
  const computeSize: SizeChoice = spec.compute.size ?? p.computeSize;
  const minInstances = spec.compute.minInstances ?? p.minInstances;
  const maxInstances = spec.compute.maxInstances ?? p.maxInstances;
  const spotPercent = spec.compute.spotPercent ?? p.spotPercent;
  const cacheSize = spec.cache?.size ?? p.cacheSize;
  const cacheShards = spec.cache?.shards ?? p.cacheShards;
  const replicasPerShard = spec.cache?.replicasPerShard ?? p.cacheReplicasPerShard;
  const dbSize = spec.database?.size ?? p.databaseSize;
  const replicaSize = spec.database?.replicaSize ?? dbSize;
  const zoneNames = spec.network?.zoneNames;
  const readReplicas = spec.database?.readReplicas ?? p.readReplicas;
  const dbShards = spec.database?.shards ?? p.databaseShards;
  const https = spec.loadBalancer?.https;
  const targetRequests = spec.compute.scaling?.targetRequestsPerInstance;
  return {
    name: spec.name,
    environment: spec.environment,
    isProd: spec.environment === 'prod',
    clouds,
    regions: { ...DEFAULT_REGIONS, ...spec.regions },
    accounts: { ...spec.accounts },
    names: new Names(spec.name, spec.environment),
    tags: { app: spec.name, environment: spec.environment, 'managed-by': 'scaling-blueprint', ...spec.tags },
    network: {
      cidr,
      zones,
      subnets: planSubnets(cidr, zones),
      zoneNames: {
        ...(zoneNames?.aws ? { aws: [...zoneNames.aws] } : {}),
        ...(zoneNames?.gcp ? { gcp: [...zoneNames.gcp] } : {}),
      },
    },
    loadBalancer: {
      ...(https ? { https: { domain: https.domain, certificate: { ...https.certificate } } } : {}),
      waf: spec.loadBalancer?.waf ?? p.waf,
      idleTimeoutSeconds: spec.loadBalancer?.idleTimeoutSeconds ?? p.idleTimeoutSeconds,
      maxRequestBodyKiB: spec.loadBalancer?.maxRequestBodyKiB ?? REQUEST_BODY_KIB.default,
    },
    cdn: {
      enabled: spec.cdn?.enabled ?? p.cdnEnabled,
      cachedPaths: spec.cdn?.cachedPaths ?? DEFAULT_CACHED_PATHS,
      lockOrigin: spec.cdn?.lockOrigin ?? false,
      ...(spec.cdn?.originDomain ? { originDomain: spec.cdn.originDomain } : {}),
    },
    compute: {
      size: computeSize,
      instanceType: perCloud((c) => resolveSize(COMPUTE_SIZES, computeSize, c)),
      minInstances,
      maxInstances,
      targetCpuPercent: spec.compute.scaling?.targetCpuPercent ?? p.targetCpuPercent,
      ...(targetRequests !== undefined ? { targetRequestsPerInstance: targetRequests } : {}),
      schedules: (spec.compute.scaling?.schedules ?? []).map(resolveSchedule),
      spot: splitSpot(minInstances, maxInstances, spotPercent),
      port: spec.compute.port ?? DEFAULT_PORT,
      healthCheckPath: spec.compute.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
      ...(spec.compute.sshPublicKey ? { sshPublicKey: spec.compute.sshPublicKey } : {}),
      app: { image: spec.compute.app.image, env: { ...spec.compute.app.env } },
    },
    cache: {
      size: cacheSize,
      nodeType: perCloud((c) => CACHE_SIZES[cacheSize][c]),
      shards: cacheShards,
      replicasPerShard,
      highAvailability: replicasPerShard >= 1,
      clustered: cacheShards > 1,
      port: REDIS_PORT,
      revision: spec.cache?.revision ?? 0,
      nameSuffix: cacheRevisionSuffix(spec.cache?.revision ?? 0),
    },
    database: {
      engineVersion: spec.database?.engineVersion ?? DEFAULT_POSTGRES_VERSION,
      size: dbSize,
      instanceType: perCloud((c) => DATABASE_SIZES[dbSize][c]),
      replicaSize,
      replicaInstanceType: perCloud((c) => DATABASE_SIZES[replicaSize][c]),
      storageGiB: spec.database?.storageGiB ?? p.storageGiB,
      readReplicas,
      shards: Array.from({ length: dbShards }, (_, index) => ({
        index,
        suffix: shardSuffix(index),
        readReplicas,
      })),
      highAvailability: spec.database?.highAvailability ?? p.highAvailability,
      backupRetentionDays: spec.database?.backupRetentionDays ?? p.backupRetentionDays,
      deletionProtection: spec.database?.deletionProtection ?? p.deletionProtection,
      connectionPooling: spec.database?.connectionPooling ?? p.connectionPooling,
      port: POSTGRES_PORT,
      databaseName: DATABASE_NAME,
      adminUser: DATABASE_ADMIN_USER,
      appCredentialGeneration: spec.database?.appCredentialGeneration ?? 0,
    },
    alerts: { email: spec.alerts.email },
    terraform: {
      state: {
        ...(spec.terraform?.state?.gcp ? { gcp: { ...spec.terraform.state.gcp } } : {}),
        ...(spec.terraform?.state?.azure ? { azure: { ...spec.terraform.state.azure } } : {}),
      },
      runnerCidrs: [...new Set(spec.terraform?.runnerCidrs ?? [])],
      privateRunner: spec.terraform?.privateRunner ?? false,
    },
    ...(spec.traffic ? { traffic: { ...spec.traffic } } : {}),
  };
}
