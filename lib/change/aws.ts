import { fail } from './stateful';
import type { CfnResource, CfnTemplate, Change } from './types';

/*
 * CloudFormation rules beyond the resource schemas (which say what replaces; see
 * stacks/change-aws.ts): what a replacement, a delete or an update policy really does.
 */

/**
 * The property that gives a resource a custom physical name, per type the stacks emit (null: the
 * type has none, or the stacks never set it). "If you specify a name, you cannot perform updates
 * that require replacement of this resource" (CloudFormation User Guide, Name type:
 * docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 */
export const CUSTOM_NAMES: Readonly<Record<string, string | null>> = {
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::AutoScaling::ScalingPolicy': null,
  'AWS::AutoScaling::ScheduledAction': null,
  'AWS::CertificateManager::Certificate': null,
  'AWS::CloudFront::Distribution': null,
  'AWS::CloudFront::OriginRequestPolicy': null,
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::EC2::EIP': null,
  'AWS::EC2::FlowLog': null,
  'AWS::EC2::InternetGateway': null,
  'AWS::EC2::LaunchTemplate': 'LaunchTemplateName',
  'AWS::EC2::NatGateway': null,
  'AWS::EC2::Route': null,
  'AWS::EC2::RouteTable': null,
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::EC2::SecurityGroupEgress': null,
  'AWS::EC2::SecurityGroupIngress': null,
  'AWS::EC2::Subnet': null,
  'AWS::EC2::SubnetRouteTableAssociation': null,
  'AWS::EC2::VPC': null,
  'AWS::EC2::VPCGatewayAttachment': null,
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::SubnetGroup': 'CacheSubnetGroupName',
  'AWS::ElasticLoadBalancingV2::Listener': null,
  'AWS::ElasticLoadBalancingV2::ListenerRule': null,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': null,
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Key': null,
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBClusterParameterGroup': 'DBClusterParameterGroupName',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBProxy': 'DBProxyName',
  // Its name is always "default", scoped to its proxy: it follows the proxy.
  'AWS::RDS::DBProxyTargetGroup': null,
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::S3::BucketPolicy': null,
  'AWS::SNS::Subscription': null,
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SNS::TopicPolicy': null,
  'AWS::SecretsManager::ResourcePolicy': null,
  'AWS::SecretsManager::RotationSchedule': null,
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SecretsManager::SecretTargetAttachment': null,
  'AWS::WAFv2::WebACL': 'Name',
  'AWS::WAFv2::WebACLAssociation': null,
  // Custom resources: their physical id is whatever the provider returns; CloudFormation never
  // replaces them on a property change (aws-custom-resource).
  'Custom::DatabaseAppPassword': null,
  'Custom::DatabaseStatement': null,
};

/** Custom resource types (`Custom::<name>` or the generic one): properties are the provider's own. */
export const isCustomResource = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

/** Where a resource's deletion protection lives, when on (the delete then fails: DELETE_FAILED). */
export const DELETION_PROTECTION: Readonly<Record<string, (props: Record<string, unknown>) => boolean>> = {
  'AWS::RDS::DBCluster': (p) => p.DeletionProtection === true || p.DeletionProtection === 'true',
  'AWS::RDS::DBInstance': (p) => p.DeletionProtection === true || p.DeletionProtection === 'true',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (p) =>
    Array.isArray(p.LoadBalancerAttributes) &&
    p.LoadBalancerAttributes.some(
      (a: { Key?: string; Value?: unknown }) => a.Key === 'deletion_protection.enabled' && String(a.Value) === 'true',
    ),
};

const resourceOf = (t: CfnTemplate | undefined, id: string): CfnResource | undefined => t?.Resources[id];

/** Applies the CloudFormation rules to the engine's changes (in place). */
export function applyAwsRules(changes: Change[], before: CfnTemplate | undefined, after: CfnTemplate | undefined) {
  for (const c of changes) {
    const old = resourceOf(before, c.resource);
    const neu = resourceOf(after, c.resource);
    if (c.action === 'replace' && old && neu) customName(c, old, neu);
    if ((c.action === 'replace' || c.action === 'delete') && old) deletion(c, old);
    if (c.action === 'update' && old && neu) updateEffect(c, old, neu);
  }
}

function customName(c: Change, old: CfnResource, neu: CfnResource) {
  const prop = CUSTOM_NAMES[c.type];
  const name = prop ? neu.Properties?.[prop] : undefined;
  if (!prop || name === undefined || JSON.stringify(old.Properties?.[prop]) !== JSON.stringify(name)) return;
  fail(
    c,
    'aws-custom-name',
    'update (the stack rolls back)',
    `${c.attributes.join(', ')} requires replacement, and ${prop} is a custom name: CloudFormation cannot replace a custom-named resource`,
    `change ${prop} in the same deploy, or remove it so CloudFormation generates the name`,
  );
}

const policyOf = (c: Change, r: CfnResource) =>
  c.action === 'delete' ? (r.DeletionPolicy ?? 'Delete') : (r.UpdateReplacePolicy ?? 'Delete');

function deletion(c: Change, old: CfnResource) {
  const policy = policyOf(c, old);
  const guarded = DELETION_PROTECTION[c.type]?.(old.Properties ?? {}) === true;
  if (policy.startsWith('Retain')) {
    if (c.action === 'delete') {
      c.risk = 'none';
      c.reason = `DeletionPolicy ${policy}: CloudFormation removes it from the stack and keeps the resource`;
      c.advice = 'it keeps running (and billing): delete it by hand when it is no longer needed';
      c.rules.push('aws-retain');
    }
    return;
  }
  if (guarded) {
    fail(
      c,
      'aws-deletion-protection',
      c.action === 'delete' ? 'delete (DELETE_FAILED, the stack is left in UPDATE_COMPLETE_CLEANUP_FAILED)' : 'update',
      'deletion protection is on: the cloud refuses to delete it',
      'turn deletion protection off in a deploy of its own first, after a backup, if it may really go',
    );
    return;
  }
  if (policy === 'Snapshot' && c.risk === 'data-loss') {
    c.risk = 'downtime';
    c.reason += '; a final snapshot is kept (DeletionPolicy Snapshot): restore it to get the data back';
    c.rules.push('aws-snapshot');
  }
}

/** The updates whose effect on the running system is more than "in place". */
function updateEffect(c: Change, old: CfnResource, neu: CfnResource) {
  const touched = (p: string) => c.attributes.includes(p);
  if (
    c.type === 'AWS::AutoScaling::AutoScalingGroup' &&
    (touched('LaunchTemplate') || touched('MixedInstancesPolicy'))
  ) {
    const refresh = neu.UpdatePolicy?.AutoScalingInstanceRefresh ?? neu.UpdatePolicy?.AutoScalingRollingUpdate;
    if (refresh) {
      Object.assign(c, { action: 'rolling', reason: 'the update policy replaces the instances a batch at a time' });
      c.rules.push('aws-asg-refresh');
    } else c.reason = 'new instances use the new launch template; running ones keep the old one';
  }
  if (c.type === 'AWS::RDS::DBInstance' && touched('DBInstanceClass')) {
    Object.assign(c, {
      action: 'restart',
      risk: 'downtime',
      reason: 'the instance restarts on the new class (the writer is unavailable while it restarts)',
    });
    c.rules.push('aws-rds-class');
  }
  if (c.type === 'AWS::RDS::DBCluster' && touched('EngineVersion')) auroraVersion(c, old, neu);
  if (c.type === 'AWS::RDS::DBCluster' && touched('EnableHttpEndpoint')) dataApi(c, neu);
  if (isCustomResource(c.type)) customResource(c);
  if (c.type === 'AWS::ElastiCache::ReplicationGroup' && touched('CacheNodeType')) {
    c.reason = 'online node-type scaling: data kept, a brief write pause at the switch-over';
    c.rules.push('aws-elasticache-node-type');
  }
}

/** The Data API follows the instance class on AWS (docs/aws.md App login): say what comes with it. */
function dataApi(c: Change, neu: CfnResource) {
  const on = neu.Properties?.EnableHttpEndpoint === true;
  c.reason = on
    ? 'the RDS Data API goes on (the instance class left the T family): the shard gets its app login (app secret, role statements, multi-user rotation) and the instances move to it'
    : 'the RDS Data API goes off (a T class has none): the app login goes and the instances read the admin secret again';
  if (!on) c.advice = 'keep database.size at medium or above on AWS: on T classes the app runs as the database admin';
  c.rules.push('aws-data-api');
}

/** CloudFormation updates a custom resource by asking its provider, and refuses a new provider. */
function customResource(c: Change) {
  if (c.attributes.includes('ServiceToken')) {
    fail(
      c,
      'aws-custom-resource',
      'update (the stack rolls back)',
      "its ServiceToken changes, and CloudFormation does not update a custom resource's ServiceToken",
      'keep the provider function (its ARN) stable, or remove the custom resource in one deploy and add it back in the next',
    );
    return;
  }
  c.reason = `CloudFormation sends its provider an Update with the new ${c.attributes.join(', ')}: the provider runs again (the app login's role statements and password step are idempotent)`;
  c.rules.push('aws-custom-resource');
}

const major = (v: unknown) => String(v ?? '').split('.')[0];

function auroraVersion(c: Change, old: CfnResource, neu: CfnResource) {
  if (major(old.Properties?.EngineVersion) === major(neu.Properties?.EngineVersion)) return;
  const allowed = neu.Properties?.AllowMajorVersionUpgrade === true;
  if (!allowed) {
    fail(
      c,
      'aws-aurora-major',
      'update',
      'a major EngineVersion change needs AllowMajorVersionUpgrade: true; RDS refuses the modification',
      'set AllowMajorVersionUpgrade with a cluster parameter group of the new family, or upgrade with a blue/green deployment',
    );
    return;
  }
  Object.assign(c, {
    action: 'restart',
    risk: 'downtime',
    reason: 'in-place major version upgrade: every instance of the cluster is unavailable during the upgrade',
  });
  c.rules.push('aws-aurora-major');
}
