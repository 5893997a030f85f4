import { AzurermProvider, type AzurermProviderConfig } from '@cdktf/provider-azurerm/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { AzureCache, type AzureCacheProps } from '../constructs/azure/cache';
import { AzureCdn, type AzureCdnProps } from '../constructs/azure/cdn';
import { AzureComputeGroup, type AzureComputeGroupProps } from '../constructs/azure/compute-group';
import { AzureDatabase, type AzureDatabaseProps } from '../constructs/azure/database';
import { AzureLoadBalancer, type AzureLoadBalancerProps } from '../constructs/azure/load-balancer';
import { AzureMonitoring, type AzureMonitoringProps } from '../constructs/azure/monitoring';
import {
  type AzureExistingNetwork,
  type AzureLocation,
  AzureNetwork,
  type AzureNetworkProps,
  originLocked,
} from '../constructs/azure/network';
import { AzureSecrets, type AzureSecretsProps } from '../constructs/azure/secrets';
import { type CompanyRules, withCompanyRules } from '../lib/company-rules';
import { ENV_CONTRACT, OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { applyOverride, type Override } from '../lib/override';
import type { ResolvedSpec } from '../lib/resolve';
import { type BlueprintBaseProps, resolveSpecInput } from '../lib/spec-input';
import { stackHas } from './terraform-providers';
import { applyTerraformCompanyRules } from './terraform-rules';
import { type BackendFactory, configureState } from './terraform-state';

/**
 * Resource providers the stack uses. Registered explicitly (registration mode "none" plus this
 * list) so Terraform neither registers dozens of unrelated providers nor fails on a fresh
 * subscription where one of these is missing.
 */
export const AZURE_RESOURCE_PROVIDERS = [
  'Microsoft.Authorization',
  'Microsoft.Cache',
  'Microsoft.Cdn',
  'Microsoft.Compute',
  'Microsoft.ContainerInstance',
  'Microsoft.DBforPostgreSQL',
  'Microsoft.Insights',
  'Microsoft.KeyVault',
  'Microsoft.ManagedIdentity',
  'Microsoft.Network',
  'Microsoft.Resources',
];

/** Per-construct overrides of the Azure blueprint, each the construct's own `overrides` prop. */
export interface AzureBlueprintOverrides {
  /** The azurerm provider, when the blueprint adds it. @default none */
  readonly provider?: Override<AzurermProviderConfig>;
  /** Resource group, VNet, subnets, NSGs and rules, NAT, the PostgreSQL DNS zone. @default none */
  readonly network?: AzureNetworkProps['overrides'];
  /** Key Vault, its private endpoint, every secret. @default none */
  readonly secrets?: AzureSecretsProps['overrides'];
  /** Flexible Servers (every server, each primary, each replica), databases, passwords, the roles job. @default none */
  readonly database?: AzureDatabaseProps['overrides'];
  /** Azure Managed Redis and its private endpoint. @default none */
  readonly cache?: AzureCacheProps['overrides'];
  /** Application Gateway, public IP, WAF policy. @default none */
  readonly loadBalancer?: AzureLoadBalancerProps['overrides'];
  /** Front Door profile, origin group, origin, routes, custom domain. @default none */
  readonly cdn?: AzureCdnProps['overrides'];
  /** Scale sets (on-demand, Spot) and their autoscale settings. @default none */
  readonly compute?: AzureComputeGroupProps['overrides'];
  /** Action group and every metric alert. @default none */
  readonly monitoring?: AzureMonitoringProps['overrides'];
}

/** Props of {@link AzureBlueprint}. */
export interface AzureBlueprintProps extends BlueprintBaseProps {
  /**
   * Public CIDR ranges allowed through the Key Vault firewall (the machine that runs Terraform),
   * added to `spec.terraform.runnerCidrs`. @default [] (the spec's ranges only)
   */
  readonly keyVaultAllowedIpRanges?: readonly string[];
  /**
   * Resource id of the Key Vault holding `certificate.azure`, so the gateway is granted read on the
   * certificate's secret; wins over the spec's `certificate.azureKeyVaultId`.
   * @default spec.loadBalancer.https.certificate.azureKeyVaultId
   */
  readonly certificateKeyVaultId?: string;
  /** Bring your own resource group (name and region). @default a new resource group named from the spec */
  readonly resourceGroup?: AzureLocation;
  /** Bring your own VNet and subnets (see AzureExistingNetwork). @default a new VNet from the spec's address plan */
  readonly network?: AzureExistingNetwork;
  /** Bring your own action group (resource id): every alert notifies it. @default an action group emailing alerts.email */
  readonly actionGroupId?: string;
  /** Per-construct overrides, applied last. @default none */
  readonly overrides?: AzureBlueprintOverrides;
}

/** The deploy-time inputs the stack cannot do without, from the spec and the props. */
export interface AzureDeployInputs {
  /** CIDRs the Key Vault firewall admits (empty: Terraform reaches the vault privately). */
  readonly keyVaultAllowedIpRanges: readonly string[];
  /** Vault of the HTTPS certificate; undefined without HTTPS. */
  readonly certificateKeyVaultId?: string;
}

/**
 * Merges the spec's deploy inputs with the stack props (ranges add up, a vault id in the props
 * wins) and refuses, in one error, a stack whose first apply could not succeed: Terraform writes
 * the generated secrets into the private Key Vault during that apply, and the gateway's HTTPS
 * listener needs a grant on its certificate. lib/validate.ts refuses such a spec already; this
 * catches a library user who builds the stack from a spec that skipped validation.
 */
export function azureDeployInputs(
  spec: ResolvedSpec,
  props: Pick<AzureBlueprintProps, 'keyVaultAllowedIpRanges' | 'certificateKeyVaultId'>,
): AzureDeployInputs {
  const ranges = [...new Set([...spec.terraform.runnerCidrs, ...(props.keyVaultAllowedIpRanges ?? [])])];
  const https = spec.loadBalancer.https;
  const vault = props.certificateKeyVaultId ?? https?.certificate.azureKeyVaultId;
  const missing: string[] = [];
  if (ranges.length === 0 && !spec.terraform.privateRunner) {
    missing.push(
      'the Key Vault must admit the machine running Terraform: set terraform.runnerCidrs (or BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS, or the keyVaultAllowedIpRanges prop), or terraform.privateRunner: true when Terraform reaches the vault privately',
    );
  }
  if (https && !vault) {
    missing.push(
      'the gateway must be granted its certificate: set loadBalancer.https.certificate.azureKeyVaultId to the resource id of the vault holding certificate.azure (or BLUEPRINT_AZURE_CERT_VAULT_ID, or the certificateKeyVaultId prop)',
    );
  }
  if (missing.length > 0) {
    throw new Error(`Azure stack: ${missing.join('; ')} (docs/azure.md, "Before the first deploy")`);
  }
  return { keyVaultAllowedIpRanges: ranges, ...(https && vault ? { certificateKeyVaultId: vault } : {}) };
}

/**
 * The whole backend on Azure as a construct for a TerraformStack of yours: network (or yours),
 * Key Vault, PostgreSQL shards, Managed Redis, Application Gateway (+ WAF), optional Front Door,
 * VM scale sets with autoscale, alerts, and the outputs of the environment contract. It adds the
 * azurerm, random and tls providers only when the stack has none of that kind (add yours before
 * the blueprint). Construct ids below are part of every Terraform address: never rename them.
 */
export class AzureBlueprint extends Construct {
  public readonly spec: ResolvedSpec;
  public readonly network: AzureNetwork;
  public readonly secrets: AzureSecrets;
  public readonly database: AzureDatabase;
  public readonly cache: AzureCache;
  public readonly loadBalancer: AzureLoadBalancer;
  public readonly cdn?: AzureCdn;
  public readonly compute: AzureComputeGroup;
  public readonly monitoring: AzureMonitoring;
  /** The outputs, by OUTPUT_NAMES name. */
  public readonly outputs: Readonly<Record<OutputName, TerraformOutput>>;

  constructor(scope: Construct, id: string, props: AzureBlueprintProps) {
    super(scope, id);
    const spec = withCompanyRules(resolveSpecInput(props.spec), props.companyRules);
    this.spec = spec;
    if (props.companyRules) applyCompanyRules(this, props.companyRules);
    const o = props.overrides ?? {};
    const inputs = azureDeployInputs(spec, props);
    const stack = TerraformStack.of(this);
    if (!stackHas(stack, AzurermProvider)) azurermProvider(this, spec, o.provider);
    if (!stackHas(stack, RandomProvider)) new RandomProvider(this, 'random');
    if (!spec.compute.sshPublicKey && !stackHas(stack, TlsProvider)) new TlsProvider(this, 'tls');

    this.network = new AzureNetwork(this, 'Network', {
      spec,
      existingResourceGroup: props.resourceGroup,
      existingNetwork: props.network,
      overrides: o.network,
    });

    const where = this.network.where;
    this.secrets = new AzureSecrets(this, 'Secrets', {
      spec,
      network: this.network,
      allowedIpRanges: inputs.keyVaultAllowedIpRanges,
      overrides: o.secrets,
    });
    this.database = new AzureDatabase(this, 'Database', {
      spec,
      network: this.network,
      secrets: this.secrets,
      overrides: o.database,
    });
    this.cache = new AzureCache(this, 'Cache', {
      spec,
      network: this.network,
      secrets: this.secrets,
      overrides: o.cache,
    });
    // Once the origin is locked, the WAF admits only our Front Door profile; the profile is
    // created after the gateway, so its id is read lazily at synth time.
    let cdn: AzureCdn | undefined;
    this.loadBalancer = new AzureLoadBalancer(this, 'LoadBalancer', {
      spec,
      network: this.network,
      ...(inputs.certificateKeyVaultId ? { certificateKeyVaultId: inputs.certificateKeyVaultId } : {}),
      ...(originLocked(spec)
        ? { frontDoorId: Lazy.stringValue({ produce: () => (cdn as AzureCdn).profile.resourceGuid }) }
        : {}),
      overrides: o.loadBalancer,
    });
    if (spec.cdn.enabled) {
      cdn = new AzureCdn(this, 'Cdn', {
        spec,
        where,
        originHostName: this.loadBalancer.hostName,
        overrides: o.cdn,
      });
      this.cdn = cdn;
    }

    const env = environmentContract({
      shards: this.database.endpoints(),
      cacheHost: this.cache.host,
      cachePort: this.cache.port,
      cacheSecret: this.cache.secret.versionlessId,
    });
    // The VMs read the app's database secrets and the cache's; the admin secrets stay for operators.
    const readable = Object.fromEntries([
      ...this.database.shards.map((s) => [`database${s.plan.suffix}`, s.appSecret] as const),
      ['cache', this.cache.secret] as const,
    ]);
    this.compute = new AzureComputeGroup(this, 'Compute', {
      spec,
      network: this.network,
      loadBalancer: this.loadBalancer,
      secrets: this.secrets,
      readableSecrets: readable,
      environment: env,
      overrides: o.compute,
    });
    this.monitoring = new AzureMonitoring(this, 'Monitoring', {
      spec,
      where,
      loadBalancer: this.loadBalancer,
      compute: this.compute,
      database: this.database,
      cache: this.cache,
      actionGroupId: props.actionGroupId,
      overrides: o.monitoring,
    });

    const values: Record<OutputName, string> = {
      ...env,
      LOAD_BALANCER_URL: this.cdn?.url ?? this.loadBalancer.url,
    };
    const outputs = {} as Record<OutputName, TerraformOutput>;
    for (const name of OUTPUT_NAMES) {
      outputs[name] = new TerraformOutput(this, name, {
        value: values[name],
        description: ENV_CONTRACT.includes(name as never)
          ? `Environment contract: ${name} (also in every VM's environment)`
          : 'Public URL of the service',
      });
    }
    this.outputs = outputs;
  }
}

/** The azurerm provider with the blueprint's features and resource-provider registrations. */
function azurermProvider(
  scope: Construct,
  spec: ResolvedSpec,
  override?: Override<AzurermProviderConfig>,
): AzurermProvider {
  return new AzurermProvider(
    scope,
    'azurerm',
    applyOverride<AzurermProviderConfig>(
      {
        features: [
          {
            // Never purge on destroy (purge protection forbids it anyway); bring soft-deleted
            // vaults and secrets back instead of failing on a name clash.
            keyVault: [
              {
                purgeSoftDeleteOnDestroy: false,
                purgeSoftDeletedSecretsOnDestroy: false,
                recoverSoftDeletedKeyVaults: true,
                recoverSoftDeletedSecrets: true,
              },
            ],
            // Do not delete a resource group that still holds resources Terraform does not know.
            resourceGroup: [{ preventDeletionIfContainsResources: true }],
            // shared_preload_libraries only applies after a restart.
            postgresqlFlexibleServer: [{ restartServerOnConfigurationValueChange: true }],
            virtualMachineScaleSet: [
              { rollInstancesWhenRequired: true, forceDelete: false, scaleToZeroBeforeDeletion: true },
            ],
          },
        ],
        ...(spec.accounts.azure ? { subscriptionId: spec.accounts.azure } : {}),
        resourceProviderRegistrations: 'none',
        resourceProvidersToRegister: AZURE_RESOURCE_PROVIDERS,
      },
      override,
    ),
  );
}

/** Props of {@link AzureBlueprintStack}: the blueprint's, plus where Terraform keeps state. */
export interface AzureBlueprintStackProps extends AzureBlueprintProps {
  /** Where Terraform keeps state. @default the spec's terraform.state.azure, else a local file (stacks/terraform-state.ts) */
  readonly backend?: BackendFactory;
}

/**
 * The whole backend on Azure as its own Terraform stack: the state backend (stacks/terraform-state.ts)
 * and an {@link AzureBlueprint} with construct id `Default`, which CDKTF leaves out of every
 * Terraform address, so the addresses are those of the blueprint's own resources.
 */
export class AzureBlueprintStack extends TerraformStack {
  public readonly blueprint: AzureBlueprint;
  public readonly network: AzureNetwork;
  public readonly secrets: AzureSecrets;
  public readonly database: AzureDatabase;
  public readonly cache: AzureCache;
  public readonly loadBalancer: AzureLoadBalancer;
  public readonly cdn?: AzureCdn;
  public readonly compute: AzureComputeGroup;
  public readonly monitoring: AzureMonitoring;
  /** The outputs, by OUTPUT_NAMES name. */
  public readonly outputs: Readonly<Record<OutputName, TerraformOutput>>;

  constructor(scope: Construct, id: string, props: AzureBlueprintStackProps) {
    super(scope, id);
    const { backend, ...blueprintProps } = props;
    const spec = resolveSpecInput(props.spec);
    // Refused before anything is built: the first apply could not succeed (azureDeployInputs).
    azureDeployInputs(spec, props);
    configureState(this, spec, 'azure', backend);
    const b = new AzureBlueprint(this, 'Default', { ...blueprintProps, spec });
    this.blueprint = b;
    this.network = b.network;
    this.secrets = b.secrets;
    this.database = b.database;
    this.cache = b.cache;
    this.loadBalancer = b.loadBalancer;
    if (b.cdn) this.cdn = b.cdn;
    this.compute = b.compute;
    this.monitoring = b.monitoring;
    this.outputs = b.outputs;
  }
}

/**
 * Company-wide tags on every resource under `scope` that takes tags (an Aspect: resources added
 * later are covered too), the user's own included; the company's value wins for the same key.
 * Name prefixes apply to the names the blueprint derives (AzureBlueprintProps.companyRules).
 */
export function applyCompanyRules(scope: IConstruct, rules: CompanyRules): void {
  applyTerraformCompanyRules(scope, rules, 'tags');
}
