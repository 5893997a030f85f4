import type { TerraformTypeSchema } from './types';

/*
 * Terraform facts beyond the generated schema table (terraform-schema.ts), each read from the
 * pinned provider's source: the CustomizeDiff functions that force a new resource, random 3.7.2 /
 * tls 4.1.0 (plugin-framework providers, so not in the schema dumps), update functions that
 * re-create part of a resource, deletes a provider refuses, and deletes the cloud refuses while
 * another resource still uses the one being deleted.
 */

/** When a CustomizeDiff forces a new resource for one attribute. */
export type ForceNewWhen =
  /** any change */
  | 'change'
  /** the number (or the version's numbers) goes down */
  | 'decrease'
  /** the new CIDR does not contain the old one */
  | 'cidr-shrink'
  /** the attribute had a value before */
  | 'was-set'
  /** the attribute had a value and now has none */
  | 'cleared'
  /** a value of the old set is missing from the new one */
  | 'element-removed';

export interface CustomizeDiffForce {
  /** Attribute path as in the schema table (dotted, no indices). */
  readonly attribute: string;
  readonly when: ForceNewWhen;
}

/** What one type's CustomizeDiff does (read by hand), with the function names read. */
export interface CustomizeDiffFact {
  readonly functions: string;
  readonly forces: readonly CustomizeDiffForce[];
}

const NONE = (functions: string): CustomizeDiffFact => ({ functions, forces: [] });
const DEFAULTS = 'tpgresource.DefaultProviderProject/Region, SetLabelsDiff: defaults and labels only';

/**
 * Every emitted type whose schema dump says `customizeDiff: true`, with what its CustomizeDiff
 * forces (source file: the type's `source` in TERRAFORM_SCHEMAS). Validation-only functions force
 * nothing; they are named so the reading can be checked.
 */
export const CUSTOMIZE_DIFF: Readonly<Record<string, CustomizeDiffFact>> = {
  google_compute_backend_service: NONE(DEFAULTS),
  google_compute_firewall: NONE(
    'resourceComputeFirewallEnableLoggingCustomizeDiff, resourceComputeFirewallSourceFieldsCustomizeDiff: validation',
  ),
  google_compute_global_address: NONE(DEFAULTS),
  google_compute_global_forwarding_rule: NONE(DEFAULTS),
  google_compute_health_check: NONE('healthCheckCustomizeDiff: port validation'),
  google_compute_instance: {
    functions:
      'DefaultProviderProject/Zone; suppressEmptyGuestAcceleratorDiff; ForceNewIf("metadata_startup_script") unless the script only moves between metadata.startup-script and metadata_startup_script (isGracefulMetadataStartupSwitch); validateSubnetworkProject; forceNewIfNetworkIPNotUpdatable (network_ip changed on the same subnetwork); SetLabelsDiff',
    forces: [
      { attribute: 'metadata_startup_script', when: 'change' },
      { attribute: 'network_interface.network_ip', when: 'change' },
    ],
  },
  google_compute_managed_ssl_certificate: NONE(DEFAULTS),
  google_compute_network: NONE(DEFAULTS),
  google_compute_region_autoscaler: NONE(DEFAULTS),
  google_compute_region_instance_group_manager: NONE(DEFAULTS),
  google_compute_region_instance_template: NONE(
    'resourceComputeInstanceTemplateSourceImageCustomizeDiff (clears an image change that resolves to the same image), ScratchDisk/BootDisk validation; every argument is ForceNew in the schema',
  ),
  google_compute_router: NONE('resourceComputeRouterCustomDiff: bgp validation'),
  google_compute_router_nat: NONE('resourceComputeRouterNatDrainNatIpsCustomDiff: drain_nat_ips validation'),
  google_compute_security_policy: NONE('rulesCustomizeDiff: unique rule priorities'),
  google_compute_ssl_policy: NONE('sslPolicyCustomizeDiff: custom_features validation'),
  google_compute_subnetwork: {
    functions: 'customdiff.ForceNewIfChange("ip_cidr_range", IsShrinkageIpCidr); secondary range diff style (no force)',
    forces: [{ attribute: 'ip_cidr_range', when: 'cidr-shrink' }],
  },
  google_compute_target_http_proxy: NONE(DEFAULTS),
  google_compute_target_https_proxy: NONE(DEFAULTS),
  google_compute_url_map: NONE(DEFAULTS),
  google_dns_managed_zone: NONE(DEFAULTS),
  google_dns_record_set: NONE(DEFAULTS),
  google_monitoring_alert_policy: NONE(DEFAULTS),
  google_monitoring_notification_channel: NONE('sensitiveLabelCustomizeDiff: validation'),
  google_network_connectivity_service_connection_policy: NONE(DEFAULTS),
  google_redis_cluster: NONE(DEFAULTS),
  google_redis_instance: {
    functions: 'customdiff.ForceNewIfChange("redis_version", isRedisVersionDecreasing)',
    forces: [{ attribute: 'redis_version', when: 'decrease' }],
  },
  google_secret_manager_secret: {
    functions: 'secretManagerSecretAutoCustomizeDiff: switching replication automatic ↔ auto forces new',
    forces: [{ attribute: 'replication.auto', when: 'change' }],
  },
  google_service_account: NONE('ResourceServiceAccountCustomDiffFunc: computes email and member'),
  google_sql_database: NONE(DEFAULTS),
  google_sql_database_instance: {
    functions:
      'ForceNewIfChange("settings.0.disk_size", IsDiskShrinkage); ForceNewIf("master_instance_name") unless a switchover; ForceNewIf("replica_configuration.0.cascadable_replica"); privateNetworkCustomizeDiff (private_network removed); pitrSupportDbCustomizeDiff (validation)',
    forces: [
      { attribute: 'settings.disk_size', when: 'decrease' },
      { attribute: 'master_instance_name', when: 'change' },
      { attribute: 'replica_configuration.cascadable_replica', when: 'change' },
      { attribute: 'settings.ip_configuration.private_network', when: 'cleared' },
    ],
  },
  google_sql_user: NONE(DEFAULTS),
  azurerm_application_gateway: NONE('applicationGatewayCustomizeDiff: capacity / autoscale validation'),
  azurerm_container_group: NONE(
    'Spot priority requires ip_address_type None: validation; every container input is ForceNew in the schema',
  ),
  azurerm_cdn_frontdoor_profile: NONE('sku_name Premium → Standard is refused (plan error), nothing forced'),
  azurerm_linux_virtual_machine_scale_set: {
    functions: 'ForceNewIfChange("zones") when an existing zone is removed; auxiliary NIC validation',
    forces: [{ attribute: 'zones', when: 'element-removed' }],
  },
  azurerm_managed_redis: NONE('CustomizeDiff: geo-replication / module validation (see UPDATE_RECREATES)'),
  azurerm_postgresql_flexible_server: {
    functions:
      'version decrease forces new; administrator_login change forces new once set; storage_mb decrease forces new; identity type downgrade forces new',
    forces: [
      { attribute: 'version', when: 'decrease' },
      { attribute: 'administrator_login', when: 'was-set' },
      { attribute: 'storage_mb', when: 'decrease' },
      { attribute: 'identity.type', when: 'change' },
    ],
  },
  azurerm_public_ip: NONE('ForceNewIfChange("domain_name_label_scope"): not set by the stacks'),
  azurerm_subnet: NONE('sharing_scope validation'),
};

/** random 3.7.2 and tls 4.1.0: plugin-framework resources, read from their schema (RequiresReplace). */
export const FRAMEWORK_SCHEMAS: Readonly<Record<string, TerraformTypeSchema>> = {
  random_password: {
    provider: 'random',
    version: '3.7.2',
    source: 'internal/provider/resource_password.go',
    customizeDiff: false,
    attributes: {
      keepers: 'FM',
      length: 'F',
      special: 'F',
      upper: 'F',
      lower: 'F',
      number: 'F',
      numeric: 'F',
      min_numeric: 'F',
      min_upper: 'F',
      min_lower: 'F',
      min_special: 'F',
      override_special: 'F',
      result: 'C',
      bcrypt_hash: 'C',
      id: 'C',
    },
  },
  tls_private_key: {
    provider: 'tls',
    version: '4.1.0',
    source: 'internal/provider/resource_private_key.go',
    customizeDiff: false,
    attributes: {
      algorithm: 'F',
      rsa_bits: 'F',
      ecdsa_curve: 'F',
      private_key_pem: 'C',
      private_key_openssh: 'C',
      private_key_pem_pkcs8: 'C',
      public_key_pem: 'C',
      public_key_openssh: 'C',
      public_key_fingerprint_md5: 'C',
      public_key_fingerprint_sha256: 'C',
      id: 'C',
    },
  },
};

/** An update function that deletes and re-creates part of the resource (data lost) for some paths. */
export interface UpdateRecreates {
  readonly paths: readonly string[];
  readonly what: string;
  readonly source: string;
}

export const UPDATE_RECREATES: Readonly<Record<string, UpdateRecreates>> = {
  azurerm_managed_redis: {
    paths: [
      'default_database.clustering_policy',
      'default_database.geo_replication_group_name',
      'default_database.module',
    ],
    what: 'the update deletes and re-creates the default database ("data will be lost and Managed Redis will be unavailable")',
    source: 'azurerm 4.55.0 internal/services/managedredis/managed_redis_resource.go Update()',
  },
};

/** A delete the provider refuses while an attribute of the applied state is set. */
export interface DeleteGuard {
  readonly attribute: string;
  readonly message: string;
  readonly source: string;
}

export const DELETE_GUARDS: Readonly<Record<string, DeleteGuard>> = {
  google_sql_database_instance: {
    attribute: 'deletion_protection',
    message: 'failed to delete instance because deletion_protection is set to true',
    source: 'google 6.50.0 google/services/sql/resource_sql_database_instance.go Delete()',
  },
};

/**
 * Types the cloud will not delete while another resource still uses them, with the error and its
 * documentation. Terraform destroys a replaced resource before creating its successor (unless
 * create_before_destroy), while the users are only updated after the successor exists.
 */
export interface InUse {
  readonly error: string;
  readonly source: string;
}

const GCP_IN_USE: InUse = {
  error: 'resourceInUseByAnotherResource',
  source:
    'Compute Engine API errors (resourceInUseByAnotherResource); hashicorp/terraform-provider-google#6376 (instance group in use by a backend service)',
};
const AZURE_SUBNET: InUse = {
  error: 'InUseSubnetCannotBeDeleted',
  source: 'learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#delete-a-subnet',
};

export const IN_USE: Readonly<Record<string, InUse>> = {
  google_compute_region_instance_group_manager: GCP_IN_USE,
  google_compute_region_instance_template: GCP_IN_USE,
  google_compute_instance_template: GCP_IN_USE,
  google_compute_health_check: GCP_IN_USE,
  google_compute_backend_service: GCP_IN_USE,
  google_compute_url_map: GCP_IN_USE,
  google_compute_managed_ssl_certificate: GCP_IN_USE,
  google_compute_ssl_policy: GCP_IN_USE,
  google_compute_security_policy: GCP_IN_USE,
  google_compute_global_address: GCP_IN_USE,
  google_compute_subnetwork: GCP_IN_USE,
  google_compute_network: GCP_IN_USE,
  google_compute_router: GCP_IN_USE,
  google_service_networking_connection: {
    error: 'Cannot modify allocated ranges in CreateConnection / producer services still use the connection',
    source: 'cloud.google.com/vpc/docs/configure-private-services-access#removing-connection',
  },
  azurerm_subnet: AZURE_SUBNET,
  azurerm_public_ip: {
    error: 'PublicIPAddressCannotBeDeleted (in use)',
    source:
      'learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-public-ip-address#delete-a-public-ip-address',
  },
  azurerm_network_security_group: {
    error: 'InUseNetworkSecurityGroupCannotBeDeleted',
    source: 'learn.microsoft.com/azure/virtual-network/manage-network-security-group#delete-a-network-security-group',
  },
  azurerm_nat_gateway: {
    error: 'InUseNatGatewayCannotBeDeleted',
    source:
      'learn.microsoft.com/azure/nat-gateway/manage-nat-gateway#remove-a-nat-gateway-from-an-existing-subnet-and-delete-the-resource',
  },
  azurerm_private_dns_zone: {
    error: 'the zone is linked to a PostgreSQL flexible server / virtual network',
    source:
      'learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private#private-dns-zone-and-virtual-network-peering',
  },
  azurerm_user_assigned_identity: {
    error: 'the identity is assigned to a running resource (it loses access until re-assigned)',
    source:
      'learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-manage-user-assigned-managed-identities',
  },
};

/**
 * The argument that carries a resource's cloud-unique name, where it is not `name`. A type listed
 * as null has no cloud-side name to clash on.
 */
export const NAME_ATTRIBUTE: Readonly<Record<string, string | null>> = {
  google_secret_manager_secret: 'secret_id',
  google_service_account: 'account_id',
  google_secret_manager_secret_version: null,
  google_secret_manager_secret_iam_member: null,
  google_project_iam_member: null,
  google_service_networking_connection: null,
  random_password: null,
  tls_private_key: null,
  azurerm_role_assignment: null,
  azurerm_subnet_nat_gateway_association: null,
  azurerm_subnet_network_security_group_association: null,
  azurerm_nat_gateway_public_ip_association: null,
  azurerm_cdn_frontdoor_custom_domain_association: null,
};

/**
 * Resources that run a job once and stop: re-creating one re-runs the job, which the stacks keep
 * idempotent (roles, grants and passwords are set to what the configuration says). Their boot
 * document is not a running fleet's, so a reference in it never strands a VM.
 */
export interface OneShotJob {
  /** Does this configuration of the type run once? */
  readonly is: (config: Readonly<Record<string, unknown>>) => boolean;
  readonly what: string;
  readonly source: string;
}

export const ONE_SHOT_JOBS: Readonly<Record<string, OneShotJob>> = {
  google_compute_instance: {
    is: (c) => /^\s*poweroff\b/m.test(String(c.metadata_startup_script ?? '')),
    what: 'a VM whose startup script runs the database roles job and powers it off',
    source:
      'docs/gcp.md "Database roles job"; metadata_startup_script is force-new (CUSTOMIZE_DIFF google_compute_instance)',
  },
  azurerm_container_group: {
    is: (c) => c.restart_policy === 'Never',
    what: 'a container group that runs the database roles job once (restart_policy Never)',
    source:
      'docs/azure.md "The app is not the admin"; learn.microsoft.com/azure/container-instances/container-instances-restart-policy',
  },
};

/**
 * Record types that carry the names clients resolve (the stable per-role database names): a
 * record that still names a deleted server sends new connections to nothing.
 */
export const CLIENT_NAMES: ReadonlySet<string> = new Set([
  'google_dns_record_set',
  'azurerm_private_dns_a_record',
  'azurerm_private_dns_cname_record',
]);

/** What a delete leaves behind (attribute: only while it is true in the applied configuration). */
export interface DeleteKeeps {
  readonly attribute?: string;
  readonly what: string;
  readonly source: string;
}

export const DELETE_KEEPS: Readonly<Record<string, DeleteKeeps>> = {
  google_sql_database_instance: {
    attribute: 'settings.retain_backups_on_delete',
    what: 'Cloud SQL keeps its backups for their retention (retain_backups_on_delete): restore the latest into a new instance; writes after it are lost',
    source:
      'google 6.50.0 resource_sql_database_instance.go settings.retain_backups_on_delete; cloud.google.com/sql/docs/postgres/backup-recovery/backups#retained-backups',
  },
  azurerm_postgresql_flexible_server: {
    what: 'Azure keeps a dropped server’s backup for five days (createMode ReviveDropped through the REST API); writes after it are lost',
    source: 'learn.microsoft.com/azure/postgresql/flexible-server/how-to-restore-dropped-server',
  },
};

/**
 * Data sources that list deployed resources of a managed type: a postcondition over the list is
 * evaluated at plan time against what is deployed, which the model takes from the old output.
 */
export const DATA_SOURCE_LISTS: Readonly<Record<string, { readonly lists: string; readonly source: string }>> = {
  google_sql_database_instances: {
    lists: 'google_sql_database_instance',
    source:
      'google 6.50.0 google/services/sql/data_source_sql_database_instances.go (instances of the project / region)',
  },
  azurerm_resources: {
    lists: 'azurerm_postgresql_flexible_server',
    source:
      'azurerm 4.55.0 internal/services/resource/resources_data_source.go (resources of the subscription or resource group, of the given type)',
  },
};
