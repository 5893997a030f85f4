import type { Action, Change, Risk } from './types';

/*
 * What losing or replacing a resource costs, per type, on every cloud. `data` holds data or a
 * credential (deleting or replacing it loses that); `identity` is something clients or other
 * resources address (replacing it cuts them off until they follow); `member` is one node of a
 * set that keeps serving (a reader, a replica): removing it is harmless, replacing it restarts it;
 * `placement` is where things run (a subnet): replacing it moves them, deleting an unused one is
 * harmless (a used one is refused: IN_USE).
 */
export type StatefulClass = 'data' | 'identity' | 'member' | 'placement';

export const STATEFUL: Readonly<Record<string, StatefulClass>> = {
  // ---- AWS
  'AWS::RDS::DBCluster': 'data',
  'AWS::ElastiCache::ReplicationGroup': 'data',
  'AWS::SecretsManager::Secret': 'data',
  'AWS::KMS::Key': 'data',
  'AWS::S3::Bucket': 'data',
  'AWS::Logs::LogGroup': 'data',
  'AWS::RDS::DBInstance': 'member',
  'AWS::EC2::VPC': 'identity',
  'AWS::EC2::Subnet': 'placement',
  'AWS::RDS::DBSubnetGroup': 'placement',
  'AWS::ElastiCache::SubnetGroup': 'placement',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'identity',
  // Its endpoint is DATABASE_WRITER_HOST when pooling is on.
  'AWS::RDS::DBProxy': 'identity',
  'AWS::CloudFront::Distribution': 'identity',
  // ---- GCP
  google_sql_database_instance: 'data',
  google_sql_database: 'data',
  google_sql_user: 'data',
  google_redis_instance: 'data',
  google_redis_cluster: 'data',
  google_secret_manager_secret: 'data',
  google_secret_manager_secret_version: 'data',
  google_compute_network: 'identity',
  google_compute_subnetwork: 'placement',
  google_compute_global_address: 'identity',
  google_service_networking_connection: 'identity',
  google_dns_managed_zone: 'identity',
  // The stable per-role database names apps connect to.
  google_dns_record_set: 'identity',
  // ---- Azure
  azurerm_resource_group: 'data',
  azurerm_postgresql_flexible_server: 'data',
  azurerm_postgresql_flexible_server_database: 'data',
  azurerm_managed_redis: 'data',
  azurerm_key_vault: 'data',
  azurerm_key_vault_secret: 'data',
  azurerm_virtual_network: 'identity',
  azurerm_subnet: 'placement',
  azurerm_private_dns_zone: 'identity',
  azurerm_private_dns_cname_record: 'identity',
  azurerm_private_dns_a_record: 'identity',
  azurerm_public_ip: 'identity',
  azurerm_application_gateway: 'identity',
  azurerm_cdn_frontdoor_profile: 'identity',
  azurerm_cdn_frontdoor_endpoint: 'identity',
  // ---- both Terraform clouds: a new value means every consumer's credential changes
  random_password: 'data',
  tls_private_key: 'data',
};

/** A read replica's config (Cloud SQL: a master; Flexible Server: create_mode Replica) makes it a member. */
export function statefulClass(type: string, config?: Record<string, unknown>): StatefulClass | undefined {
  if (type === 'google_sql_database_instance' && config?.master_instance_name !== undefined) return 'member';
  if (type === 'azurerm_postgresql_flexible_server' && config?.create_mode === 'Replica') return 'member';
  return STATEFUL[type];
}

const RISK_OF: Record<StatefulClass, { replace: Risk; delete: Risk }> = {
  data: { replace: 'data-loss', delete: 'data-loss' },
  identity: { replace: 'downtime', delete: 'downtime' },
  member: { replace: 'downtime', delete: 'none' },
  placement: { replace: 'downtime', delete: 'none' },
};

/** The risk of an engine action before any rule: only replacing or deleting stateful things costs. */
export function baseRisk(action: Action, cls: StatefulClass | undefined): Risk {
  if (cls === undefined || (action !== 'replace' && action !== 'delete')) return 'none';
  return RISK_OF[cls][action];
}

/** The reason line an engine action gets before any rule refines it. */
export function baseReason(action: Action, cls: StatefulClass | undefined): string {
  const what =
    cls === 'data'
      ? 'its data'
      : cls === 'identity'
        ? 'its address / identity'
        : cls === 'placement'
          ? 'its placement (what runs in it moves)'
          : 'nothing';
  if (action === 'replace') return cls ? `destroyed and re-created: loses ${what}` : 'destroyed and re-created';
  if (action === 'delete') return cls && RISK_OF[cls].delete !== 'none' ? `deleted: loses ${what}` : 'deleted';
  if (action === 'create') return 'new resource';
  return 'updated in place';
}

/** Marks a change as failing at a step, keeping the attributes that cause it. */
export function fail(c: Change, rule: string, step: string, why: string, advice = ''): void {
  c.action = 'fails';
  c.risk = 'fails';
  c.reason = `fails at ${step}: ${why}`;
  if (advice) c.advice = advice;
  if (!c.rules.includes(rule)) c.rules.push(rule);
}

/** A change as the engine plans it, with the risk and reason of the resource's class before any rule. */
export function engineChange(
  resource: string,
  type: string,
  action: Action,
  attributes: string[],
  config?: Record<string, unknown>,
): Change {
  const cls = statefulClass(type, config);
  return {
    resource,
    type,
    action,
    attributes,
    risk: baseRisk(action, cls),
    reason: baseReason(action, cls),
    advice: '',
    rules: [],
  };
}
