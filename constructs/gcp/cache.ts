import {
  NetworkConnectivityServiceConnectionPolicy,
  type NetworkConnectivityServiceConnectionPolicyConfig,
} from '@cdktf/provider-google/lib/network-connectivity-service-connection-policy';
import { RedisCluster, type RedisClusterConfig } from '@cdktf/provider-google/lib/redis-cluster';
import { RedisInstance, type RedisInstanceConfig } from '@cdktf/provider-google/lib/redis-instance';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { WINDOWS } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { GcpNetworkRef } from './network';
import { type GcpSecret, GcpSecrets } from './secrets';

/** Redis version of Memorystore for Redis instances. */
export const REDIS_VERSION = 'REDIS_7_2';
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
/** The shared cache window (lib/operations.ts), after the database's. */
const MAINTENANCE = {
  day: DAYS[WINDOWS.cache.day],
  startTime: { hours: WINDOWS.cache.hour, minutes: 0, seconds: 0, nanos: 0 },
};

export interface GcpCacheProps {
  /** The resolved spec: size, shards, replicas, region, names, labels. */
  readonly spec: ResolvedSpec;
  /** The private network: Redis is reachable only inside it. */
  readonly network: GcpNetworkRef;
  /** Where the cache credentials go. @default a GcpSecrets created inside this construct */
  readonly secrets?: GcpSecrets;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The Memorystore for Redis instance (shards = 1). */
    readonly instance?: Override<RedisInstanceConfig>;
    /** The Memorystore for Redis Cluster (shards > 1). */
    readonly cluster?: Override<RedisClusterConfig>;
    /** The Private Service Connect policy Redis Cluster needs. */
    readonly connectionPolicy?: Override<NetworkConnectivityServiceConnectionPolicyConfig>;
  };
}

/**
 * Managed Redis in front of the database. One shard: Memorystore for Redis (STANDARD_HA with
 * read replicas when replicasPerShard >= 1, BASIC otherwise) on private service access, TLS,
 * AUTH string in Secret Manager, RDB persistence, a maintenance window. More shards:
 * Memorystore for Redis Cluster over Private Service Connect with IAM authentication. The two
 * are different products, so going from one shard to several replaces the cache (see docs/gcp.md).
 */
export class GcpCache extends Construct {
  /** Present when the cache is not clustered. */
  public readonly instance?: RedisInstance;
  /** Present when the cache is clustered (shards > 1). */
  public readonly cluster?: RedisCluster;
  /** Present with the cluster: lets Redis Cluster create PSC endpoints in the app subnet. */
  public readonly connectionPolicy?: NetworkConnectivityServiceConnectionPolicy;
  public readonly secrets: GcpSecrets;
  /** The credentials secret: TLS server CA, and the AUTH string (instance) or the IAM auth marker (cluster). */
  public readonly secret: GcpSecret;
  /** Host the application connects to (primary endpoint / discovery endpoint). */
  public readonly host: string;
  /** Port the application connects to (6378 on an instance with TLS, 6379 on a cluster). */
  public readonly port: string;
  /** True when clients authenticate with IAM (Redis Cluster) instead of an AUTH string. */
  public readonly iamAuth: boolean;
  /** Instance or cluster name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GcpCacheProps) {
    super(scope, id);
    const { spec, network } = props;
    const cache = spec.cache;
    const o = props.overrides ?? {};
    this.secrets = props.secrets ?? new GcpSecrets(this, 'secrets', { spec });
    this.name = spec.names.of('gcpRedis', spec.cache.nameSuffix);
    this.iamAuth = cache.clustered;

    if (!cache.clustered) {
      const ha = cache.replicasPerShard >= 1;
      const instance = new RedisInstance(
        this,
        'redis',
        applyOverride<RedisInstanceConfig>(
          {
            name: this.name,
            displayName: `${spec.names.base} cache`,
            region: spec.regions.gcp,
            tier: ha ? 'STANDARD_HA' : 'BASIC',
            memorySizeGb: Number(cache.nodeType.gcp.type),
            redisVersion: REDIS_VERSION,
            connectMode: 'PRIVATE_SERVICE_ACCESS',
            authorizedNetwork: network.vpcId,
            reservedIpRange: network.servicesRangeName,
            transitEncryptionMode: 'SERVER_AUTHENTICATION',
            authEnabled: true,
            // Read replicas are enabled whenever there is a replica: the mode can only be set at
            // creation, so enabling it later would replace the instance; replica_count grows in place.
            ...(ha ? { readReplicasMode: 'READ_REPLICAS_ENABLED', replicaCount: cache.replicasPerShard } : {}),
            persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: 'TWELVE_HOURS' },
            maintenancePolicy: { weeklyMaintenanceWindow: [MAINTENANCE] },
            labels: { ...spec.tags },
            dependsOn: network.privateServiceAccess,
          },
          o.instance,
        ),
      );
      this.instance = instance;
      this.host = instance.host;
      this.port = Token.asString(instance.port);
      this.secret = this.secrets.add('cache', {
        idSuffix: '-cache',
        data: Fn.jsonencode({
          authMode: 'password',
          password: instance.authString,
          tls: true,
          serverCaCert: instance.serverCaCerts.get(0).cert,
        }),
      });
      return;
    }

    const policy = new NetworkConnectivityServiceConnectionPolicy(
      this,
      'connection-policy',
      applyOverride<NetworkConnectivityServiceConnectionPolicyConfig>(
        {
          name: spec.names.of('gcpResource', '-redis-psc'),
          description: 'Lets Memorystore for Redis Cluster create its PSC endpoints in the app subnet',
          location: spec.regions.gcp,
          serviceClass: 'gcp-memorystore-redis',
          network: network.vpcId,
          pscConfig: { subnetworks: [network.subnetId] },
          labels: { ...spec.tags },
        },
        o.connectionPolicy,
      ),
    );
    const cluster = new RedisCluster(
      this,
      'cluster',
      applyOverride<RedisClusterConfig>(
        {
          name: this.name,
          region: spec.regions.gcp,
          shardCount: cache.shards,
          replicaCount: cache.replicasPerShard,
          nodeType: cache.nodeType.gcp.clusterType ?? 'REDIS_HIGHMEM_MEDIUM',
          // Redis Cluster has no AUTH string: clients present the VM service account's access token.
          authorizationMode: 'AUTH_MODE_IAM_AUTH',
          transitEncryptionMode: 'TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION',
          pscConfigs: [{ network: network.vpcId }],
          zoneDistributionConfig: { mode: 'MULTI_ZONE' },
          // A cache is rebuilt from the database; like Memorystore for Redis and ElastiCache, no protection flag.
          deletionProtectionEnabled: false,
          persistenceConfig: { mode: 'RDB', rdbConfig: { rdbSnapshotPeriod: 'TWELVE_HOURS' } },
          maintenancePolicy: { weeklyMaintenanceWindow: [MAINTENANCE] },
          dependsOn: [policy],
        },
        o.cluster,
      ),
    );
    this.connectionPolicy = policy;
    this.cluster = cluster;
    this.host = cluster.discoveryEndpoints.get(0).address;
    this.port = Token.asString(cluster.discoveryEndpoints.get(0).port);
    this.secret = this.secrets.add('cache', {
      idSuffix: '-cache',
      data: Fn.jsonencode({ authMode: 'iam', tls: true, serverCaCert: clusterCaChain(cluster) }),
    });
  }

  /** Secret Manager id of the cache credentials (the CACHE_SECRET reference). */
  get secretId(): string {
    return this.secret.secret.id;
  }
}

/**
 * The PEM chain clients must trust to verify a Redis Cluster's TLS: Memorystore issues every
 * cluster its own server CA (`managed_server_ca`). Every certificate of every chain, joined with
 * newlines: during a CA rotation the cluster reports the old and the new chain, and a client that
 * trusts both keeps connecting (a refresh + apply after the rotation updates the secret).
 */
export function clusterCaChain(cluster: RedisCluster): string {
  const chains = Token.asList(cluster.interpolationForAttribute('managed_server_ca[0].ca_certs[*].certificates'));
  return Fn.join('\n', Fn.flatten(chains));
}
