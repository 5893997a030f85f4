import { GoogleProvider, type GoogleProviderConfig } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Fn, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { GcpCache, type GcpCacheProps } from '../constructs/gcp/cache';
import { GcpComputeGroup, type GcpComputeGroupProps } from '../constructs/gcp/compute-group';
import { GcpDatabase, type GcpDatabaseProps } from '../constructs/gcp/database';
import { GcpDatabaseRoles, type GcpDatabaseRolesProps, rolesJobFailure } from '../constructs/gcp/database-roles';
import { GcpLoadBalancer, type GcpLoadBalancerProps } from '../constructs/gcp/load-balancer';
import { GcpMonitoring, type GcpMonitoringProps } from '../constructs/gcp/monitoring';
import { appFirewall, GcpNetwork, type GcpNetworkProps, type GcpNetworkRef } from '../constructs/gcp/network';
import { GcpSecrets, type GcpSecretsProps } from '../constructs/gcp/secrets';
import { type CompanyRules, withCompanyRules } from '../lib/company-rules';
import { OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { applyOverride, type Override } from '../lib/override';
import type { ResolvedSpec } from '../lib/resolve';
import { type BlueprintBaseProps, resolveSpecInput } from '../lib/spec-input';
import { stackHas } from './terraform-providers';
import { applyTerraformCompanyRules } from './terraform-rules';
import { type BackendFactory, configureState } from './terraform-state';

/** Per-construct overrides of the GCP blueprint, each the construct's own `overrides` prop. */
export interface GcpBlueprintOverrides {
  /** The google provider (project, region, default labels...), when the blueprint adds it. @default none */
  readonly provider?: Override<GoogleProviderConfig>;
  /** Secret Manager secrets and versions. @default none */
  readonly secrets?: GcpSecretsProps['overrides'];
  /** VPC, subnet, router, NAT, private service access, firewall (firewall only, with a brought network). @default none */
  readonly network?: GcpNetworkProps['overrides'];
  /** Cloud SQL instances (every instance, each primary, each replica), database, users, passwords, DNS endpoints. @default none */
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
}

/** Props of {@link GcpBlueprint}. */
export interface GcpBlueprintProps extends BlueprintBaseProps {
  /**
   * Bring your own network: a VPC with a regional subnet for the VMs and a private service access
   * range already peered (`privateServiceAccess` lists what Cloud SQL and Memorystore wait for; may
   * be empty when the peering exists). The blueprint adds only the app's firewall rules to it
   * (see `networkFirewall`); no router, NAT or peering is created, so the subnet needs egress
   * (Cloud NAT) of its own for the image pulls.
   * @default - a new VPC, subnet, Cloud NAT and private service access from the spec
   */
  readonly network?: GcpNetworkRef;
  /**
   * With a brought network: add the app's firewall rules (load balancer and health-check ranges
   * to the app port, SSH through IAP, deny the rest to the app tag) to it.
   * @default true
   */
  readonly networkFirewall?: boolean;
  /**
   * Bring your own notification channels (ids `projects/<p>/notificationChannels/<n>`): every alert
   * policy notifies them and no email channel is created. @default - one email channel to alerts.email
   */
  readonly notificationChannelIds?: readonly string[];
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: GcpBlueprintOverrides;
}

/**
 * The whole backend on GCP as a construct for a TerraformStack of yours: network (or yours),
 * secrets, Cloud SQL shards with their DNS endpoints and roles job, Memorystore, the app VM
 * groups, the load balancer (+ Cloud Armor, CDN), alert policies and the environment contract as
 * outputs. It adds the google and random providers only when the stack has none (add yours
 * before the blueprint). Construct ids below are part of every Terraform address: never rename them.
 */
export class GcpBlueprint extends Construct {
  public readonly spec: ResolvedSpec;
  /** The google provider the blueprint added; undefined when the stack brought its own. */
  public readonly provider?: GoogleProvider;
  public readonly secrets: GcpSecrets;
  /** The network the blueprint created; undefined when one was brought. */
  public readonly createdNetwork?: GcpNetwork;
  /** The network everything is placed in (created or brought). */
  public readonly network: GcpNetworkRef;
  public readonly database: GcpDatabase;
  /** The one-shot job that creates the app's database role and fills the app secrets. */
  public readonly databaseRoles: GcpDatabaseRoles;
  public readonly cache: GcpCache;
  public readonly compute: GcpComputeGroup;
  public readonly loadBalancer: GcpLoadBalancer;
  public readonly monitoring: GcpMonitoring;
  /** The environment contract every VM gets and the stack outputs. */
  public readonly env: Readonly<Record<OutputName, string>>;

  constructor(scope: Construct, id: string, props: GcpBlueprintProps) {
    super(scope, id);
    const spec = withCompanyRules(resolveSpecInput(props.spec), props.companyRules);
    this.spec = spec;
    if (props.companyRules) applyCompanyRules(this, props.companyRules);
    const o = props.overrides ?? {};
    const stack = TerraformStack.of(this);

    const provider = stackHas(stack, GoogleProvider) ? undefined : googleProvider(this, spec, o.provider);
    if (provider) this.provider = provider;
    if (!stackHas(stack, RandomProvider)) new RandomProvider(this, 'random');

    this.secrets = new GcpSecrets(this, 'secrets', { spec, ...(o.secrets ? { overrides: o.secrets } : {}) });
    if (props.network) {
      this.network = props.network;
      if (props.networkFirewall ?? true) {
        const firewall = new Construct(this, 'network-firewall');
        appFirewall(firewall, {
          spec,
          vpcId: props.network.vpcId,
          appTag: props.network.appTag,
          denyOnlyApp: true,
          override: o.network?.firewall,
        });
      }
    } else {
      this.createdNetwork = new GcpNetwork(this, 'network', { spec, ...(o.network ? { overrides: o.network } : {}) });
      this.network = this.createdNetwork;
    }
    const network = this.network;
    this.database = new GcpDatabase(this, 'database', {
      spec,
      network,
      secrets: this.secrets,
      ...(o.database ? { overrides: o.database } : {}),
    });
    this.cache = new GcpCache(this, 'cache', {
      spec,
      network,
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
      network,
      env: contract,
      // The app secrets and the cache's: never the admin or logins secrets (operators and the job).
      secretIds: { ...this.database.appSecretIds, cache: this.cache.secretId },
      redisClusterAccess: this.cache.iamAuth,
      ...(o.compute ? { overrides: o.compute } : {}),
    });
    const zones = this.compute.zones;
    this.databaseRoles = new GcpDatabaseRoles(this, 'database-roles', {
      spec,
      network,
      database: this.database,
      zone: Token.isUnresolved(zones) ? Fn.element(zones, 0) : (zones[0] as string),
      after: this.createdNetwork ? [this.createdNetwork.nat] : [],
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
      ...(props.notificationChannelIds ? { notificationChannelIds: props.notificationChannelIds } : {}),
      ...(o.monitoring ? { overrides: o.monitoring } : {}),
    });

    this.env = { ...contract, LOAD_BALANCER_URL: this.loadBalancer.url };
    for (const name of OUTPUT_NAMES) {
      // References, never secret values: none of these is sensitive.
      new TerraformOutput(this, name, { value: this.env[name], description: GCP_OUTPUT_DESCRIPTIONS[name] });
    }
  }
}

/** What each output holds. */
const GCP_OUTPUT_DESCRIPTIONS: Readonly<Record<OutputName, string>> = {
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

/** The google provider with the spec's project, region and labels. */
function googleProvider(
  scope: Construct,
  spec: ResolvedSpec,
  override?: Override<GoogleProviderConfig>,
): GoogleProvider {
  const { defaultLabels, ...providerConfig } = applyOverride<GoogleProviderConfig>(
    {
      // Without an account in the spec the provider reads GOOGLE_PROJECT / gcloud's default.
      ...(spec.accounts.gcp ? { project: spec.accounts.gcp } : {}),
      region: spec.regions.gcp,
      defaultLabels: { ...spec.tags },
    },
    override,
  );
  const provider = new GoogleProvider(scope, 'google', providerConfig);
  // cdktf snake-cases every key of a provider block, label keys included ("cost-center" would
  // become "cost_center"); an override is written as given.
  if (defaultLabels) provider.addOverride('default_labels', defaultLabels);
  return provider;
}

/** Props of {@link GcpBlueprintStack}: the blueprint's, plus where Terraform keeps state. */
export interface GcpBlueprintStackProps extends GcpBlueprintProps {
  /**
   * Where Terraform keeps state, replacing the spec's choice.
   * @default the GCS bucket of terraform.state.gcp, else a local file given as a relative path
   */
  readonly backend?: BackendFactory;
}

/**
 * The whole backend on GCP as its own Terraform stack: the state backend (stacks/terraform-state.ts)
 * and a {@link GcpBlueprint} with construct id `Default`, which CDKTF leaves out of every
 * Terraform address, so the addresses are those of the blueprint's own resources.
 */
export class GcpBlueprintStack extends TerraformStack {
  public readonly blueprint: GcpBlueprint;
  public readonly provider: GoogleProvider;
  public readonly secrets: GcpSecrets;
  public readonly network: GcpNetworkRef;
  public readonly database: GcpDatabase;
  public readonly databaseRoles: GcpDatabaseRoles;
  public readonly cache: GcpCache;
  public readonly compute: GcpComputeGroup;
  public readonly loadBalancer: GcpLoadBalancer;
  public readonly monitoring: GcpMonitoring;
  /** The environment contract every VM gets and the stack outputs. */
  public readonly env: Readonly<Record<OutputName, string>>;

  constructor(scope: Construct, id: string, props: GcpBlueprintStackProps) {
    super(scope, id);
    const { backend, ...blueprintProps } = props;
    const spec = resolveSpecInput(props.spec);
    configureState(this, spec, 'gcp', backend);
    const b = new GcpBlueprint(this, 'Default', { ...blueprintProps, spec });
    this.blueprint = b;
    this.provider = b.provider as GoogleProvider;
    this.secrets = b.secrets;
    this.network = b.network;
    this.database = b.database;
    this.databaseRoles = b.databaseRoles;
    this.cache = b.cache;
    this.compute = b.compute;
    this.loadBalancer = b.loadBalancer;
    this.monitoring = b.monitoring;
    this.env = b.env;
  }
}

/**
 * Company-wide tags on every resource under `scope` that takes labels (an Aspect: resources added
 * later are covered too), the user's own included; the company's value wins for the same key.
 * Name prefixes apply to the names the blueprint derives (GcpBlueprintProps.companyRules).
 */
export function applyCompanyRules(scope: IConstruct, rules: CompanyRules): void {
  applyTerraformCompanyRules(scope, rules, 'labels');
}
