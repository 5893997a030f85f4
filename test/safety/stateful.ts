/*
 * What counts as stateful per cloud, and which Terraform attributes force a replacement.
 *
 * Stateful = holds data or an identity other things point at: databases and replicas, caches,
 * secrets and their versions, keys, generated passwords, the network (VPC / VNet / subnets /
 * private-service ranges), Key Vault, log stores, and the public addresses DNS points at.
 *
 * FORCE_NEW lists, per Terraform resource type, the arguments whose change makes Terraform
 * destroy and re-create the resource ("Changing this forces a new resource" in the provider
 * documentation for google 6.50 / azurerm 4.55 / random 3.7 / tls 4.1, and docs/gcp.md,
 * docs/azure.md). Paths use "." for nested blocks (CDKTF writes single blocks as objects).
 * Where a provider does an in-place upgrade for some values but not others (Cloud SQL
 * database_version, Flexible Server version) the attribute is listed: a change must be planned.
 */

/** CloudFormation types whose logical id must never disappear or be replaced. */
export const STATEFUL_CFN_TYPES: readonly string[] = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSubnetGroup',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::SecretsManager::Secret',
  'AWS::KMS::Key',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  // Not data, but its endpoint is DATABASE_WRITER_HOST when pooling: replacing it moves the writer.
  'AWS::RDS::DBProxy',
];

/** Terraform stateful types, each with its force-new arguments. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  // ---- GCP (google 6.50)
  google_compute_network: ['name', 'project', 'auto_create_subnetworks'],
  google_compute_subnetwork: ['name', 'project', 'network', 'region'],
  google_compute_global_address: [
    'name',
    'project',
    'address',
    'address_type',
    'purpose',
    'prefix_length',
    'network',
    'ip_version',
  ],
  google_service_networking_connection: ['network', 'service'],
  google_sql_database_instance: [
    'name',
    'project',
    'region',
    'database_version',
    'master_instance_name',
    'encryption_key_name',
    'replica_configuration',
  ],
  google_sql_database: ['name', 'project', 'instance', 'charset', 'collation'],
  google_sql_user: ['name', 'project', 'instance', 'host', 'type'],
  google_redis_instance: [
    'name',
    'project',
    'region',
    'tier',
    'location_id',
    'alternative_location_id',
    'authorized_network',
    'connect_mode',
    'reserved_ip_range',
    'transit_encryption_mode',
    'read_replicas_mode',
    'customer_managed_key',
  ],
  google_redis_cluster: ['name', 'project', 'region', 'authorization_mode', 'transit_encryption_mode', 'psc_configs'],
  google_secret_manager_secret: ['secret_id', 'project', 'replication'],
  google_secret_manager_secret_version: ['secret', 'secret_data'],
  // ---- Azure (azurerm 4.55)
  azurerm_resource_group: ['name', 'location'],
  azurerm_virtual_network: ['name', 'location', 'resource_group_name'],
  azurerm_subnet: ['name', 'resource_group_name', 'virtual_network_name'],
  azurerm_private_dns_zone: ['name', 'resource_group_name'],
  azurerm_public_ip: ['name', 'location', 'resource_group_name', 'sku', 'zones', 'ip_version'],
  azurerm_postgresql_flexible_server: [
    'name',
    'location',
    'resource_group_name',
    'version',
    'delegated_subnet_id',
    'private_dns_zone_id',
    'create_mode',
    'source_server_id',
    'administrator_login',
    'geo_redundant_backup_enabled',
  ],
  azurerm_postgresql_flexible_server_database: ['name', 'server_id', 'charset', 'collation'],
  azurerm_managed_redis: [
    'name',
    'location',
    'resource_group_name',
    'high_availability_enabled',
    // In-place SKU scaling arrived after azurerm 4.55 (hashicorp/terraform-provider-azurerm#31203).
    'sku_name',
    // A clustering-policy change deletes and re-creates the database.
    'default_database.clustering_policy',
  ],
  azurerm_key_vault: ['name', 'location', 'resource_group_name', 'tenant_id'],
  azurerm_key_vault_secret: ['name', 'key_vault_id'],
  // ---- random 3.7 / tls 4.1 (both clouds)
  random_password: [
    'length',
    'special',
    'upper',
    'lower',
    'numeric',
    'min_lower',
    'min_upper',
    'min_numeric',
    'min_special',
    'override_special',
    'keepers',
  ],
  tls_private_key: ['algorithm', 'rsa_bits', 'ecdsa_curve'],
};

/** Terraform stateful types (the keys of FORCE_NEW). */
export const STATEFUL_TF_TYPES: readonly string[] = Object.keys(FORCE_NEW);

/** Types whose every argument is immutable: any change is a replacement. */
export const IMMUTABLE_TF_TYPES: readonly string[] = [
  'google_compute_region_instance_template',
  'google_compute_instance_template',
  'google_compute_managed_ssl_certificate',
];
