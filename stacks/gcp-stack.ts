import { GoogleProvider, type GoogleProviderConfig } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Fn, TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { GcpCache, type GcpCacheProps } from '../constructs/gcp/cache';
import { GcpComputeGroup, type GcpComputeGroupProps } from '../constructs/gcp/compute-group';
import { GcpDatabase, type GcpDatabaseProps } from '../constructs/gcp/database';
import { GcpDatabaseRoles, type GcpDatabaseRolesProps, rolesJobFailure } from '../constructs/gcp/database-roles';
import { GcpLoadBalancer, type GcpLoadBalancerProps } from '../constructs/gcp/load-balancer';
import { GcpMonitoring, type GcpMonitoringProps } from '../constructs/gcp/monitoring';
import { GcpNetwork, type GcpNetworkProps } from '../constructs/gcp/network';
import { GcpSecrets, type GcpSecretsProps } from '../constructs/gcp/secrets';
import { OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { applyOverride, type Override } from '../lib/override';
import type { ResolvedSpec } from '../lib/resolve';
import { type BackendFactory, configureState } from './terraform-state';

export interface GcpBlueprintStackProps {
  /** The resolved spec (lib/resolve.ts). */
  readonly spec: ResolvedSpec;
  /**
   * Where Terraform keeps state, replacing the spec's choice.
   * @default the GCS bucket of terraform.state.gcp, else a local file given as a relative path
   */
  readonly backend?: BackendFactory;
  /** Per-construct overrides, passed to each construct; the provider's is applied last. @default none */
  readonly overrides?: {
    /** The google provider (project, region, default labels...). @default none */
    readonly provider?: Override<GoogleProviderConfig>;
    /** Secret Manager secrets and versions. @default none */
    readonly secrets?: GcpSecretsProps['overrides'];
    /** VPC, subnet, router, NAT, private service access, firewall. @default none */
    readonly network?: GcpNetworkProps['overrides'];
    /** Cloud SQL instances, database, users, passwords, DNS endpoints. @default none */
    readonly database?: GcpDatabaseProps['overrides'];
    /** The database roles job: service account and VM. @default none */
    readonly databaseRoles?: GcpDatabaseRolesProps['overrides'];
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
 * the spec's project, region and labels; random for generated passwords) and its state backend
 * (stacks/terraform-state.ts). Construct ids here are part of every Terraform address: never
 * rename them.
 */
export class GcpBlueprintStack extends TerraformStack {
  public readonly provider: GoogleProvider;
  public readonly secrets: GcpSecrets;
  public readonly network: GcpNetwork;
  public readonly database: GcpDatabase;
  /** The one-shot job that creates the app's database role and fills the app secrets. */
  public readonly databaseRoles: GcpDatabaseRoles;
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
    configureState(this, spec, 'gcp', props.backend);

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
      // The app secrets and the cache's: never the admin or logins secrets (operators and the job).
      secretIds: { ...this.database.appSecretIds, cache: this.cache.secretId },
      redisClusterAccess: this.cache.iamAuth,
      ...(o.compute ? { overrides: o.compute } : {}),
    });
    const zones = this.compute.zones;
    this.databaseRoles = new GcpDatabaseRoles(this, 'database-roles', {
      spec,
      network: this.network,
      database: this.database,
      zone: Token.isUnresolved(zones) ? Fn.element(zones, 0) : (zones[0] as string),
      after: [this.network.nat],
      ...(o.databaseRoles ? { overrides: o.databaseRoles } : {}),
    });
    this.loadBalancer = new GcpLoadBalancer(this, 'load-balancer', {
      spec,
      instanceGroups: this.compute.instanceGroups,
      ...(o.loadBalancer ? { overrides: o.loadBalancer } : {}),
    });
    // What the groups can really reach: the bounds their autoscalers have (Spot floor included).
    const split = this.compute.split;
    this.monitoring = new GcpMonitoring(this, 'monitoring', {
      spec,
      urlMapName: this.loadBalancer.urlMapName,
      instanceGroupNames: this.compute.groupNames,
      maxInstances: split.onDemand.max + (split.spot?.max ?? 0),
      cache: { name: this.cache.name, clustered: spec.cache.clustered },
      rolesJob: { failureLine: rolesJobFailure(this.databaseRoles.instanceName) },
      ...(o.monitoring ? { overrides: o.monitoring } : {}),
    });

    this.env = { ...contract, LOAD_BALANCER_URL: this.loadBalancer.url };
    const descriptions: Record<OutputName, string> = {
      DATABASE_WRITER_HOST: 'Private DNS name of shard 0 writer (an A record of the primary)',
      DATABASE_READER_HOSTS:
        'Private DNS name of shard 0 readers (an A record per read replica, the primary when there are none)',
      DATABASE_SECRET:
        'Secret Manager id of shard 0 app credentials, a least-privilege login (JSON: host, port, dbname, username, password)',
      DATABASE_SHARD_MAP: 'JSON list: writer, readers and app secret of every shard',
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
