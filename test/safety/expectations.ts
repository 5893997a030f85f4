import type { Action, Change, Risk } from '../../lib/change/types';
import type { Cloud } from '../../lib/constants';

/*
 * What the safety suite checks the change model's report against:
 *
 * EXPECTED — per growth scenario, every change that needs attention (risk other than none) and
 * every stateful resource replaced, deleted or failing, per cloud: type, action and risk, with the
 * reason. The test asserts the actual set equals this one: a new risky change fails, and so does a
 * listed one that no longer happens. Entries with `bug` are defects of today's output (the review,
 * issue 9): the cloud helper who fixes one edits (or removes) its entry, and reports it.
 *
 * COMPONENT_OF — which component each resource type a size change touches belongs to, for the
 * size-change table of the README (docs/parity-readme-section.md is rendered from the model).
 */

export interface Expected {
  readonly cloud: Cloud;
  readonly type: string;
  readonly action: Action;
  readonly risk: Risk;
  readonly reason: string;
  /** The review item this is a defect of, while it is one. */
  readonly bug?: string;
}

const AZURE_REDIS_SKU: Expected = {
  cloud: 'azure',
  type: 'azurerm_managed_redis',
  action: 'replace',
  risk: 'data-loss',
  reason:
    'cache size up: azurerm 4.55 replaces Azure Managed Redis on a sku_name change (in-place scaling came later, hashicorp/terraform-provider-azurerm#31203); in prod prevent_destroy makes that plan fail instead',
};
const AZURE_REPLICA_ORDER: Expected = {
  cloud: 'azure',
  type: 'azurerm_postgresql_flexible_server',
  action: 'fails',
  risk: 'fails',
  reason:
    'database size up with replicas in one deploy: Terraform would scale the primary before its replicas, which Azure refuses; the replica-size guard (a data source reading each deployed replica) fails the plan before anything changes, naming the two-deploy runbook (database.replicaSize first, then database.size)',
};
const AZURE_PG_RESTART: Expected = {
  cloud: 'azure',
  type: 'azurerm_postgresql_flexible_server',
  action: 'restart',
  risk: 'downtime',
  reason: 'the replica restarts on its new compute size',
};
const AWS_RDS_RESTART: Expected = {
  cloud: 'aws',
  type: 'AWS::RDS::DBInstance',
  action: 'restart',
  risk: 'downtime',
  reason: 'each Aurora instance restarts on the new class',
};
const GCP_SQL_RESTART: Expected = {
  cloud: 'gcp',
  type: 'google_sql_database_instance',
  action: 'restart',
  risk: 'downtime',
  reason: 'Cloud SQL restarts each instance on the new tier',
};
export const EXPECTED: Readonly<Record<string, readonly Expected[]>> = {
  // CDN on leaves the origin open (cdn.lockOrigin defaults to false): nothing to expect from it.
  grow: [AWS_RDS_RESTART, GCP_SQL_RESTART, AZURE_REPLICA_ORDER, AZURE_PG_RESTART, AZURE_REDIS_SKU],
  'size-up': [AWS_RDS_RESTART, GCP_SQL_RESTART, AZURE_REPLICA_ORDER, AZURE_PG_RESTART, AZURE_REDIS_SKU],
  'cache-failover': [
    {
      cloud: 'gcp',
      type: 'google_redis_instance',
      action: 'fails',
      risk: 'fails',
      reason:
        'BASIC → STANDARD_HA re-creates Memorystore, first (the instance templates refer to it: create_before_destroy), so without a new name it clashes; the report advises cache.revision: 1 in the same change, which makes it a create-before-destroy replacement (a cold cache)',
    },
    {
      cloud: 'gcp',
      type: 'google_secret_manager_secret_version',
      action: 'replace',
      risk: 'data-loss',
      reason: 'the cache secret version carries the re-created instance’s AUTH string: a new version',
    },
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      action: 'replace',
      risk: 'data-loss',
      reason: 'high_availability_enabled is force-new on Azure Managed Redis',
    },
  ],
  'cache-cluster': [
    {
      cloud: 'aws',
      type: 'AWS::ElastiCache::ReplicationGroup',
      action: 'fails',
      risk: 'fails',
      reason:
        'cluster mode on requires replacing the replication group, whose ReplicationGroupId is fixed: CloudFormation cannot replace it and rolls back; the report advises cache.revision: 1 in the same change (a new id, the new group created first: a cold cache)',
    },
    {
      cloud: 'gcp',
      type: 'google_redis_instance',
      action: 'delete',
      risk: 'data-loss',
      reason: 'one shard → several moves from Memorystore for Redis to Redis Cluster (another product)',
    },
    {
      cloud: 'gcp',
      type: 'google_secret_manager_secret_version',
      action: 'replace',
      risk: 'data-loss',
      reason:
        'the cache secret switches from a password to IAM auth: a new secret version (the secret keeps its address)',
    },
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      action: 'replace',
      risk: 'data-loss',
      reason: 'a clustering-policy change deletes and re-creates the database (azurerm Update)',
    },
  ],
  // The RDS Proxy stays in the first two zones; the GCP groups and the Azure gateway keep the
  // zones they were created with (ignore_changes: the report notes it); Azure's scale set rolls.
  zones: [],
};

export type Component = 'compute' | 'cache' | 'database' | 'alarms';

/** The component of every resource type a size change touches. */
export const COMPONENT_OF: Readonly<Record<string, Component>> = {
  'AWS::EC2::LaunchTemplate': 'compute',
  'AWS::AutoScaling::AutoScalingGroup': 'compute',
  'AWS::ElastiCache::ReplicationGroup': 'cache',
  'AWS::RDS::DBInstance': 'database',
  // small is Aurora Serverless v2: a size change also changes the cluster's capacity range.
  'AWS::RDS::DBCluster': 'database',
  'AWS::CloudWatch::Alarm': 'alarms',
  'AWS::CloudWatch::Dashboard': 'alarms',
  google_compute_region_instance_template: 'compute',
  google_compute_region_instance_group_manager: 'compute',
  google_redis_instance: 'cache',
  google_sql_database_instance: 'database',
  google_monitoring_alert_policy: 'alarms',
  azurerm_linux_virtual_machine_scale_set: 'compute',
  azurerm_managed_redis: 'cache',
  // A replaced cache moves its private endpoint and access key with it.
  azurerm_private_endpoint: 'cache',
  azurerm_key_vault_secret: 'cache',
  azurerm_postgresql_flexible_server: 'database',
  azurerm_monitor_metric_alert: 'alarms',
};

/** Components by the construct a resource sits in (its logical id / address name begins with it). */
const COMPONENT_BY_CONSTRUCT: ReadonlyArray<[RegExp, Component]> = [
  [/^database/i, 'database'],
  [/^compute/i, 'compute'],
  [/^cache/i, 'cache'],
  [/^monitoring/i, 'alarms'],
];

/** The component of a change: by its type, else by the construct it belongs to (undefined: neither). */
export function componentOf(c: Pick<Change, 'type' | 'resource'>): Component | undefined {
  const name = c.resource.includes('.') ? c.resource.slice(c.resource.indexOf('.') + 1) : c.resource;
  return COMPONENT_OF[c.type] ?? COMPONENT_BY_CONSTRUCT.find(([re]) => re.test(name))?.[1];
}
