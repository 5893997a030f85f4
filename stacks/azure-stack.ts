import { AzurermProvider, type AzurermProviderConfig } from '@cdktf/provider-azurerm/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AzureCache, type AzureCacheProps } from '../constructs/azure/cache';
import { AzureCdn, type AzureCdnProps } from '../constructs/azure/cdn';
import { AzureComputeGroup, type AzureComputeGroupProps } from '../constructs/azure/compute-group';
import { AzureDatabase, type AzureDatabaseProps } from '../constructs/azure/database';
import { AzureLoadBalancer, type AzureLoadBalancerProps } from '../constructs/azure/load-balancer';
import { AzureMonitoring, type AzureMonitoringProps } from '../constructs/azure/monitoring';
import { AzureNetwork, type AzureNetworkProps } from '../constructs/azure/network';
import { AzureSecrets, type AzureSecretsProps } from '../constructs/azure/secrets';
import { ENV_CONTRACT, OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { applyOverride, type Override } from '../lib/override';
import type { ResolvedSpec } from '../lib/resolve';

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
  'Microsoft.DBforPostgreSQL',
  'Microsoft.Insights',
  'Microsoft.KeyVault',
  'Microsoft.ManagedIdentity',
  'Microsoft.Network',
  'Microsoft.Resources',
];

export interface AzureBlueprintStackProps {
  /** The resolved spec. */
  readonly spec: ResolvedSpec;
  /**
   * Public CIDR ranges allowed through the Key Vault firewall (e.g. the CI runner that runs
   * Terraform). @default [] — the vault is private only and Terraform must run inside the VNet
   */
  readonly keyVaultAllowedIpRanges?: readonly string[];
  /** Resource id of the Key Vault holding `certificate.azure`, to grant the gateway read access. @default undefined */
  readonly certificateKeyVaultId?: string;
  /** Per-construct overrides, applied last. @default none */
  readonly overrides?: {
    readonly provider?: Override<AzurermProviderConfig>;
    readonly network?: AzureNetworkProps['overrides'];
    readonly secrets?: AzureSecretsProps['overrides'];
    readonly database?: AzureDatabaseProps['overrides'];
    readonly cache?: AzureCacheProps['overrides'];
    readonly loadBalancer?: AzureLoadBalancerProps['overrides'];
    readonly cdn?: AzureCdnProps['overrides'];
    readonly compute?: AzureComputeGroupProps['overrides'];
    readonly monitoring?: AzureMonitoringProps['overrides'];
  };
}

/**
 * The whole backend on Azure (CDK for Terraform): network, Key Vault, PostgreSQL shards, Managed
 * Redis, Application Gateway (+ WAF), optional Front Door, VM scale sets with autoscale, alerts,
 * and the outputs of the environment contract. No backend is configured: Terraform keeps local
 * state until the user adds one (see docs/azure.md).
 */
export class AzureBlueprintStack extends TerraformStack {
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
    const { spec } = props;
    const o = props.overrides ?? {};

    new AzurermProvider(
      this,
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
        o.provider,
      ),
    );
    new RandomProvider(this, 'random');
    if (!spec.compute.sshPublicKey) new TlsProvider(this, 'tls');

    this.network = new AzureNetwork(this, 'Network', { spec, overrides: o.network });
    const where = this.network.where;
    this.secrets = new AzureSecrets(this, 'Secrets', {
      spec,
      network: this.network,
      allowedIpRanges: props.keyVaultAllowedIpRanges ?? [],
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
    // The WAF admits only our Front Door profile; the profile is created after the gateway, so
    // its id is read lazily at synth time.
    let cdn: AzureCdn | undefined;
    this.loadBalancer = new AzureLoadBalancer(this, 'LoadBalancer', {
      spec,
      network: this.network,
      ...(props.certificateKeyVaultId ? { certificateKeyVaultId: props.certificateKeyVaultId } : {}),
      ...(spec.cdn.enabled
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
    const readable = Object.fromEntries([
      ...this.database.shards.map((s) => [`database${s.plan.suffix}`, s.secret] as const),
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
