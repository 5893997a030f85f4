import { GoogleProvider, type GoogleProviderConfig } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { GcpCache, type GcpCacheProps } from '../constructs/gcp/cache';
import { GcpComputeGroup, type GcpComputeGroupProps } from '../constructs/gcp/compute-group';
import { GcpDatabase, type GcpDatabaseProps } from '../constructs/gcp/database';
import { GcpLoadBalancer, type GcpLoadBalancerProps } from '../constructs/gcp/load-balancer';
import { GcpMonitoring, type GcpMonitoringProps } from '../constructs/gcp/monitoring';
import { GcpNetwork, type GcpNetworkProps } from '../constructs/gcp/network';
import { GcpSecrets, type GcpSecretsProps } from '../constructs/gcp/secrets';
import { OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { applyOverride, type Override } from '../lib/override';
import type { ResolvedSpec } from '../lib/resolve';

export interface GcpBlueprintStackProps {
  /** The resolved spec (lib/resolve.ts). */
  readonly spec: ResolvedSpec;
  /** Per-construct overrides, passed to each construct; the provider's is applied last. @default none */
  readonly overrides?: {
    /** The google provider (project, region, default labels...). @default none */
    readonly provider?: Override<GoogleProviderConfig>;
    /** Secret Manager secrets and versions. @default none */
    readonly secrets?: GcpSecretsProps['overrides'];
    /** VPC, subnet, router, NAT, private service access, firewall. @default none */
    readonly network?: GcpNetworkProps['overrides'];
    /** Cloud SQL instances, database, user, password. @default none */
    readonly database?: GcpDatabaseProps['overrides'];
    /** Memorystore instance / cluster and PSC policy. @default none */
    readonly cache?: GcpCacheProps['overrides'];
    /** Service account, templates, groups, autoscalers, autohealing check. @default none */
    readonly compute?: GcpComputeGroupProps['overrides'];
    /** Address, health check, backends, Cloud Armor, URL maps, proxies, certificate, rules, CDN. @default none */
    readonly loadBalancer?: GcpLoadBalancerProps['overrides'];
    /** Notification channel and alert policies. @default none */
    readonly monitoring?: GcpMonitoringProps['overrides'];
  };
}

/**
 * The whole backend on GCP from one resolved spec. Configures its own providers (google with
 * the spec's project, region and labels; random for generated passwords) and no remote
 * backend: Terraform keeps local state until the user adds one (see docs/gcp.md). Construct
 * ids here are part of every Terraform address: never rename them.
 */
export class GcpBlueprintStack extends TerraformStack {
  public readonly provider: GoogleProvider;
  public readonly secrets: GcpSecrets;
  public readonly network: GcpNetwork;
  public readonly database: GcpDatabase;
  public readonly cache: GcpCache;
  public readonly compute: GcpComputeGroup;
  public readonly loadBalancer: GcpLoadBalancer;
  public readonly monitoring: GcpMonitoring;
  /** The environment contract every VM gets and the stack outputs. */
  public readonly env: Readonly<Record<OutputName, string>>;

  constructor(scope: Construct, id: string, props: GcpBlueprintStackProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};

    const { defaultLabels, ...providerConfig } = applyOverride<GoogleProviderConfig>(
      {
        // Without an account in the spec the provider reads GOOGLE_PROJECT / gcloud's default.
        ...(spec.accounts.gcp ? { project: spec.accounts.gcp } : {}),
        region: spec.regions.gcp,
        defaultLabels: { ...spec.tags },
      },
      o.provider,
    );
    this.provider = new GoogleProvider(this, 'google', providerConfig);
    // cdktf snake-cases every key of a provider block, label keys included ("cost-center" would
    // become "cost_center"); an override is written as given.
    if (defaultLabels) this.provider.addOverride('default_labels', defaultLabels);
    new RandomProvider(this, 'random');

    this.secrets = new GcpSecrets(this, 'secrets', { spec, ...(o.secrets ? { overrides: o.secrets } : {}) });
    this.network = new GcpNetwork(this, 'network', { spec, ...(o.network ? { overrides: o.network } : {}) });
    this.database = new GcpDatabase(this, 'database', {
      spec,
      network: this.network,
      secrets: this.secrets,
      ...(o.database ? { overrides: o.database } : {}),
    });
    this.cache = new GcpCache(this, 'cache', {
      spec,
      network: this.network,
      secrets: this.secrets,
      ...(o.cache ? { overrides: o.cache } : {}),
    });

    const contract = environmentContract({
      shards: this.database.endpoints,
      cacheHost: this.cache.host,
      cachePort: this.cache.port,
      cacheSecret: this.cache.secretId,
    });

    this.compute = new GcpComputeGroup(this, 'compute', {
      spec,
      network: this.network,
      env: contract,
      secretIds: this.secrets.secretIds,
      redisClusterAccess: this.cache.iamAuth,
      ...(o.compute ? { overrides: o.compute } : {}),
    });
    this.loadBalancer = new GcpLoadBalancer(this, 'load-balancer', {
      spec,
      instanceGroups: this.compute.instanceGroups,
      ...(o.loadBalancer ? { overrides: o.loadBalancer } : {}),
    });
    const split = spec.compute.spot;
    this.monitoring = new GcpMonitoring(this, 'monitoring', {
      spec,
      urlMapName: this.loadBalancer.urlMapName,
      instanceGroupNames: this.compute.groupNames,
      maxInstances: split.onDemand.max + (split.spot?.max ?? 0),
      cache: { name: this.cache.name, clustered: spec.cache.clustered },
      ...(o.monitoring ? { overrides: o.monitoring } : {}),
    });

    this.env = { ...contract, LOAD_BALANCER_URL: this.loadBalancer.url };
    const descriptions: Record<OutputName, string> = {
      DATABASE_WRITER_HOST: 'Private IP of shard 0 primary',
      DATABASE_READER_HOSTS: 'Private IPs of shard 0 read replicas (the primary when there are none), comma-separated',
      DATABASE_SECRET: 'Secret Manager id of shard 0 credentials (JSON: host, port, dbname, username, password)',
      DATABASE_SHARD_MAP: 'JSON list: writer, readers and secret of every shard',
      CACHE_HOST: 'Redis host (TLS)',
      CACHE_PORT: 'Redis port',
      CACHE_SECRET: 'Secret Manager id of the cache credentials',
      LOAD_BALANCER_URL: 'Public URL of the load balancer',
    };
    for (const name of OUTPUT_NAMES) {
      // References, never secret values: none of these is sensitive.
      new TerraformOutput(this, name, { value: this.env[name], description: descriptions[name] });
    }
  }
}
