import type { Cloud } from '../../lib/constants';

/*
 * The documented exceptions and effects the safety suite checks against:
 *
 * EXPECTED_REPLACEMENTS — per growth scenario, the stateful resources that ARE replaced (or
 * destroyed) on a cloud, by the nature of the product, each with the reason and where it is
 * documented. The test asserts the actual set equals this one: a new replacement fails, and
 * so does a listed one that no longer happens.
 *
 * SIZE_EFFECTS — what each changed attribute of a size change does on the running system, per
 * cloud and component. The test asserts that every attribute a size change touches is listed
 * and that "replaced" agrees with the diff (cloudformation-diff on AWS, the force-new table
 * on Terraform). docs/parity-readme-section.md is rendered from it.
 */

export interface ExpectedReplacement {
  readonly cloud: Cloud;
  /** Resource type (CloudFormation or Terraform). */
  readonly type: string;
  readonly reason: string;
}

export const EXPECTED_REPLACEMENTS: Readonly<Record<string, readonly ExpectedReplacement[]>> = {
  grow: [
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      reason:
        'cache size up: azurerm 4.55 replaces Azure Managed Redis on a sku_name change (in-place scaling came in a later provider release, hashicorp/terraform-provider-azurerm#31203); in prod prevent_destroy makes that plan fail instead; docs/azure.md',
    },
  ],
  'size-up': [
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      reason: 'cache size up: sku_name is force-new in azurerm 4.55 (see grow); docs/azure.md',
    },
  ],
  'cache-failover': [
    {
      cloud: 'gcp',
      type: 'google_redis_instance',
      reason: 'BASIC → STANDARD_HA: the Memorystore tier is immutable; docs/gcp.md',
    },
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      reason: 'high_availability_enabled is force-new on Azure Managed Redis; docs/azure.md',
    },
  ],
  'cache-cluster': [
    {
      cloud: 'aws',
      type: 'AWS::ElastiCache::ReplicationGroup',
      reason:
        'cluster mode on (NumNodeGroups, ClusterMode): CloudFormation replaces the replication group; docs/aws.md',
    },
    {
      cloud: 'gcp',
      type: 'google_redis_instance',
      reason: 'one shard → several moves from Memorystore for Redis to Redis Cluster (another product); docs/gcp.md',
    },
    {
      cloud: 'gcp',
      type: 'google_secret_manager_secret_version',
      reason:
        'the cache secret switches from a password to IAM auth: a new secret version (the secret keeps its address)',
    },
    {
      cloud: 'azure',
      type: 'azurerm_managed_redis',
      reason: 'a clustering-policy change deletes and re-creates the database; docs/azure.md',
    },
  ],
  // AWS: none. The RDS Proxy stays in the isolated subnets of the first two zones, so a third zone
  // no longer changes its VpcSubnetIds (which would replace it); docs/aws.md.
  zones: [],
};

export type Component = 'compute' | 'cache' | 'database' | 'alarms';

/** What happens to the running system when a size change touches these attributes. */
export type SizeEffectKind = 'in place' | 'in place, restarts' | 'rolling replacement' | 'replaced';

export interface SizeEffect {
  readonly cloud: Cloud;
  readonly component: Component;
  readonly type: string;
  /** Changed attribute paths (prefixes) this entry covers. */
  readonly paths: readonly string[];
  readonly kind: SizeEffectKind;
  readonly text: string;
}

export const SIZE_EFFECTS: readonly SizeEffect[] = [
  // ---- AWS (impact from @aws-cdk/cloudformation-diff)
  {
    cloud: 'aws',
    component: 'compute',
    type: 'AWS::EC2::LaunchTemplate',
    paths: ['Properties.LaunchTemplateData'],
    kind: 'in place',
    text: 'new launch template version',
  },
  {
    cloud: 'aws',
    component: 'compute',
    type: 'AWS::AutoScaling::AutoScalingGroup',
    paths: ['Properties.MixedInstancesPolicy', 'Properties.LaunchTemplate'],
    kind: 'rolling replacement',
    text: 'instance refresh replaces the VMs a batch at a time (min healthy 100 %)',
  },
  {
    cloud: 'aws',
    component: 'cache',
    type: 'AWS::ElastiCache::ReplicationGroup',
    paths: ['Properties.CacheNodeType'],
    kind: 'in place',
    text: 'online node-type scaling; data kept, a brief write pause at the switch-over',
  },
  {
    cloud: 'aws',
    component: 'database',
    type: 'AWS::RDS::DBInstance',
    paths: ['Properties.DBInstanceClass', 'Properties.PromotionTier'],
    kind: 'in place, restarts',
    text: 'each Aurora instance restarts on the new class (small is db.serverless, Aurora Serverless v2; medium and up provisioned); the writer is unavailable while it restarts; readers move between promotion tier 1 (serverless, scaling with the writer) and 2',
  },
  {
    cloud: 'aws',
    component: 'database',
    type: 'AWS::RDS::DBCluster',
    paths: ['Properties.ServerlessV2ScalingConfiguration'],
    kind: 'in place',
    text: "the 0.5–2 ACU range: medium → small sets it before the instances change class; small → medium drops it from the template, and CloudFormation's RDS handler then sends no change, so the cluster keeps a range its provisioned instances ignore",
  },
  {
    cloud: 'aws',
    component: 'alarms',
    type: 'AWS::CloudWatch::Alarm',
    paths: [
      'Properties.Threshold',
      'Properties.AlarmDescription',
      'Properties.Metrics',
      'Properties.MetricName',
      'Properties.Namespace',
      'Properties.Statistic',
      'Properties.Period',
      'Properties.Dimensions',
    ],
    kind: 'in place',
    text: 'thresholds follow the new size; db-cpu reads CPUUtilization on a provisioned class and the higher of CPU and ACU utilisation on Serverless v2',
  },
  {
    cloud: 'aws',
    component: 'alarms',
    type: 'AWS::CloudWatch::Dashboard',
    paths: ['Properties.DashboardBody'],
    kind: 'in place',
    text: 'the Serverless v2 capacity (ACU) graph comes or goes',
  },
  // ---- GCP (force-new from test/safety/stateful.ts)
  {
    cloud: 'gcp',
    component: 'compute',
    type: 'google_compute_region_instance_template',
    paths: ['machine_type'],
    kind: 'rolling replacement',
    text: 'new instance template (create before destroy); the groups replace their VMs in a rolling update (surge = zones, none unavailable)',
  },
  {
    cloud: 'gcp',
    component: 'cache',
    type: 'google_redis_instance',
    paths: ['memory_size_gb'],
    kind: 'in place',
    text: 'Memorystore resizes in place (Standard tier: data kept, brief failover; Basic tier: flushed)',
  },
  {
    cloud: 'gcp',
    component: 'database',
    type: 'google_sql_database_instance',
    paths: ['settings.tier'],
    kind: 'in place, restarts',
    text: 'Cloud SQL restarts each instance on the new tier (minutes of downtime per instance)',
  },
  {
    cloud: 'gcp',
    component: 'alarms',
    type: 'google_monitoring_alert_policy',
    paths: ['conditions'],
    kind: 'in place',
    text: 'thresholds follow the new size',
  },
  // ---- Azure (force-new from test/safety/stateful.ts)
  {
    cloud: 'azure',
    component: 'compute',
    type: 'azurerm_linux_virtual_machine_scale_set',
    paths: ['sku'],
    kind: 'rolling replacement',
    text: 'the scale-set model changes; Rolling upgrade mode re-creates the VMs on the new size in batches',
  },
  {
    cloud: 'azure',
    component: 'cache',
    type: 'azurerm_managed_redis',
    paths: ['sku_name'],
    kind: 'replaced',
    text: 'REPLACED by azurerm 4.55 (data lost; same name and endpoint): plan a cold cache, or scale with `az redisenterprise update` and refresh state',
  },
  {
    cloud: 'azure',
    component: 'database',
    type: 'azurerm_postgresql_flexible_server',
    paths: ['sku_name'],
    kind: 'in place, restarts',
    text: 'each server restarts on the new SKU (with HA, Azure fails over to the standby first); with replicas, raise database.replicaSize in one deploy and database.size in the next: Terraform updates the primary first and Azure refuses a primary larger than its replicas',
  },
  {
    cloud: 'azure',
    component: 'alarms',
    type: 'azurerm_monitor_metric_alert',
    paths: ['criteria', 'description'],
    kind: 'in place',
    text: 'thresholds follow the new size',
  },
];
