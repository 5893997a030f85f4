import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVault, type KeyVaultConfig } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret, type KeyVaultSecretConfig } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { PrivateEndpoint, type PrivateEndpointConfig } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { AzureNetwork } from './network';

/** Built-in role that reads secret values (data plane) and nothing else. */
export const SECRETS_USER_ROLE = 'Key Vault Secrets User';
/** Built-in role that writes secrets; given to the identity running Terraform. */
export const SECRETS_OFFICER_ROLE = 'Key Vault Secrets Officer';
/** Soft-delete retention: the maximum outside dev; dev keeps the minimum so a torn-down name frees up sooner. */
export const SOFT_DELETE_DAYS = { dev: 7, other: 90 } as const;

export interface AzureSecretsProps {
  /** The resolved spec. */
  readonly spec: ResolvedSpec;
  /** Network with the private endpoints subnet and the Key Vault private DNS zone. */
  readonly network: AzureNetwork;
  /**
   * Public IP ranges (CIDR) allowed through the vault firewall, e.g. the CI runner that runs
   * Terraform. When empty the vault has no public endpoint at all and Terraform must run from
   * inside the VNet (or a peered one) to write secrets.
   * @default [] (private only)
   */
  readonly allowedIpRanges?: readonly string[];
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly keyVault?: Override<KeyVaultConfig>;
    readonly privateEndpoint?: Override<PrivateEndpointConfig>;
    readonly secret?: Override<KeyVaultSecretConfig>;
  };
}

/**
 * The Key Vault that holds every generated credential (database passwords, cache key, SSH key):
 * RBAC authorization (no access policies), purge protection, soft delete, reachable through a
 * private endpoint. The identity running Terraform gets Secrets Officer on this vault only;
 * workloads get Secrets User on the individual secrets they read (`grantRead`).
 */
export class AzureSecrets extends Construct {
  /** The identity Terraform runs as (tenant and object id). */
  public readonly current: DataAzurermClientConfig;
  public readonly keyVault: KeyVault;
  public readonly privateEndpoint: PrivateEndpoint;
  /** Secrets Officer on the vault for the identity running Terraform. */
  public readonly deployerAccess: RoleAssignment;
  /** Secrets created through `addSecret`, by construct id. */
  public readonly secrets: Record<string, KeyVaultSecret> = {};
  private readonly spec: ResolvedSpec;
  private readonly secretOverride?: Override<KeyVaultSecretConfig>;

  constructor(scope: Construct, id: string, props: AzureSecretsProps) {
    super(scope, id);
    const { spec, network } = props;
    this.spec = spec;
    const o = props.overrides ?? {};
    this.secretOverride = o.secret;
    const tags = { ...spec.tags };
    const { resourceGroupName, location } = network.where;
    const allowed = [...(props.allowedIpRanges ?? [])];

    this.current = new DataAzurermClientConfig(this, 'Current', {});
    this.keyVault = new KeyVault(
      this,
      'KeyVault',
      applyOverride(
        {
          name: spec.names.of('azureKeyVault'),
          resourceGroupName,
          location,
          tenantId: this.current.tenantId,
          skuName: 'standard',
          rbacAuthorizationEnabled: true,
          purgeProtectionEnabled: true,
          softDeleteRetentionDays: spec.environment === 'dev' ? SOFT_DELETE_DAYS.dev : SOFT_DELETE_DAYS.other,
          // Private by default. Terraform writes secret values through the data plane, so a vault
          // without a public endpoint can only be filled from inside the VNet; allowedIpRanges
          // opens the firewall to named ranges only (never to the internet).
          publicNetworkAccessEnabled: allowed.length > 0,
          networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: allowed },
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          tags,
        },
        o.keyVault,
      ),
    );
    this.privateEndpoint = new PrivateEndpoint(
      this,
      'PrivateEndpoint',
      applyOverride(
        {
          name: spec.names.of('azureResource', '-pe-kv'),
          resourceGroupName,
          location,
          subnetId: network.endpointsSubnet.id,
          privateServiceConnection: {
            name: 'key-vault',
            isManualConnection: false,
            privateConnectionResourceId: this.keyVault.id,
            subresourceNames: ['vault'],
          },
          privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [network.keyVaultDnsZone.id] },
          tags,
        },
        o.privateEndpoint,
      ),
    );
    this.deployerAccess = new RoleAssignment(this, 'DeployerAccess', {
      scope: this.keyVault.id,
      roleDefinitionName: SECRETS_OFFICER_ROLE,
      principalId: this.current.objectId,
      description: 'Lets the identity running Terraform write the generated secrets.',
    });
  }

  /**
   * Adds a secret, written after `after`. The value lives in Terraform state as well (the
   * azurerm provider reads it back), so the state backend must be encrypted and access-controlled.
   */
  public addSecret(
    id: string,
    nameIndex: string,
    value: string,
    contentType: string,
    after: readonly ITerraformDependable[] = [],
  ): KeyVaultSecret {
    const secret = new KeyVaultSecret(
      this,
      id,
      applyOverride(
        {
          name: this.spec.names.of('azureSecret', nameIndex),
          keyVaultId: this.keyVault.id,
          value,
          contentType,
          tags: { ...this.spec.tags },
          // Data-plane writes need the role (RBAC) and, without a public endpoint, the private path.
          dependsOn: [this.deployerAccess, this.privateEndpoint, ...after],
        },
        this.secretOverride,
      ),
    );
    this.secrets[id] = secret;
    return secret;
  }
}

/**
 * Gives `principalId` read access to exactly one secret: the role assignment is scoped to the
 * secret, not the vault, so a workload can read what it needs and nothing else.
 */
export function grantSecretRead(
  scope: Construct,
  id: string,
  principalId: string,
  secret: KeyVaultSecret,
): RoleAssignment {
  return new RoleAssignment(scope, id, {
    scope: secret.resourceVersionlessId,
    roleDefinitionName: SECRETS_USER_ROLE,
    principalId,
    principalType: 'ServicePrincipal',
  });
}
