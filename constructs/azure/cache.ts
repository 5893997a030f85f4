import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { ManagedRedis, type ManagedRedisConfig } from '@cdktf/provider-azurerm/lib/managed-redis';
import { PrivateEndpoint, type PrivateEndpointConfig } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { AzureNetwork } from './network';
import type { AzureSecrets } from './secrets';

/**
 * Clustering policy of the Redis database. A cluster-aware client (what the app uses when the
 * spec asks for shards > 1, as on ElastiCache cluster mode and Memorystore Cluster) talks the
 * OSS Cluster API directly to the shards; otherwise the Enterprise proxy presents one
 * endpoint that plain clients use. Azure cannot switch the policy in place: the provider
 * deletes and re-creates the database (an empty cache) when it changes.
 */
export function clusteringPolicy(clustered: boolean): 'OSSCluster' | 'EnterpriseCluster' {
  return clustered ? 'OSSCluster' : 'EnterpriseCluster';
}

/** Evict least-recently-used keys among those with a TTL: a cache never fails writes on a full memory. */
export const EVICTION_POLICY = 'VolatileLRU';

export interface AzureCacheProps {
  /** The resolved spec (`spec.cache`). */
  readonly spec: ResolvedSpec;
  /** Network with the private endpoints subnet and the Redis private DNS zone. */
  readonly network: AzureNetwork;
  /** Key Vault that keeps the access key. */
  readonly secrets: AzureSecrets;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly redis?: Override<ManagedRedisConfig>;
    readonly privateEndpoint?: Override<PrivateEndpointConfig>;
  };
}

/**
 * Azure Managed Redis (Azure Cache for Redis is being retired): high availability when the spec
 * has replicas, TLS only (Encrypted protocol, TLS 1.2 minimum set by the provider), no public
 * network access, a private endpoint with private DNS, and the access key in Key Vault.
 */
export class AzureCache extends Construct {
  public readonly redis: ManagedRedis;
  public readonly privateEndpoint: PrivateEndpoint;
  /** JSON {host, port, password, tls} in Key Vault. */
  public readonly secret: KeyVaultSecret;
  /** Host clients connect to (the private endpoint resolves it to a private IP). */
  public readonly host: string;
  /** TLS port of the default database (10000 on Managed Redis). */
  public readonly port: string;

  constructor(scope: Construct, id: string, props: AzureCacheProps) {
    super(scope, id);
    const { spec, network, secrets } = props;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const { resourceGroupName, location } = network.where;

    this.redis = new ManagedRedis(
      this,
      'Redis',
      applyOverride(
        {
          name: spec.names.of('azureRedis', spec.cache.nameSuffix),
          resourceGroupName,
          location,
          skuName: spec.cache.nodeType.azure.type,
          // Replicated across zones with automatic failover. Azure fixes this at creation.
          highAvailabilityEnabled: spec.cache.highAvailability,
          publicNetworkAccess: 'Disabled',
          defaultDatabase: {
            clientProtocol: 'Encrypted',
            clusteringPolicy: clusteringPolicy(spec.cache.clustered),
            evictionPolicy: EVICTION_POLICY,
            // Key auth: the same AUTH-password model as ElastiCache and Memorystore; the key is in Key Vault.
            accessKeysAuthenticationEnabled: true,
          },
          tags,
          // azurerm 4.55 replaces Managed Redis on a sku_name, HA or clustering change (data and
          // private links lost). Where the database is protected (prod), the cache is too: such a
          // plan fails loudly instead of replacing; resize in place with `az redisenterprise
          // update`, then change the spec. Elsewhere the replacement is allowed (docs/azure.md).
          ...(spec.database.deletionProtection ? { lifecycle: { preventDestroy: true } } : {}),
        },
        o.redis,
      ),
    );
    this.privateEndpoint = new PrivateEndpoint(
      this,
      'PrivateEndpoint',
      applyOverride(
        {
          name: spec.names.of('azureResource', '-pe-redis'),
          resourceGroupName,
          location,
          subnetId: network.endpointsSubnet.id,
          privateServiceConnection: {
            name: 'managed-redis',
            isManualConnection: false,
            privateConnectionResourceId: this.redis.id,
            subresourceNames: ['redisEnterprise'],
          },
          privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [network.redisDnsZone.id] },
          tags,
        },
        o.privateEndpoint,
      ),
    );
    this.host = this.redis.hostname;
    this.port = Token.asString(this.redis.defaultDatabase.port);
    this.secret = secrets.addSecret(
      'Cache',
      '-cache',
      Fn.jsonencode({
        host: this.host,
        port: this.redis.defaultDatabase.port,
        password: this.redis.defaultDatabase.primaryAccessKey,
        tls: true,
        cluster: spec.cache.clustered,
      }),
      'application/json',
    );
  }
}
