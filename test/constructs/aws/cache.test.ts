import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsCache, CACHE_ENGINE, cacheNodeIds } from '../../../constructs/aws/cache';
import { AwsNetwork } from '../../../constructs/aws/network';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import type { ResolvedSpec } from '../../../lib/resolve';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { key } = new AwsSecrets(stack, 'Secrets', { spec });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec, key });
  const cache = new AwsCache(stack, 'Cache', { spec, vpc, key });
  const app_ = new ec2.SecurityGroup(stack, 'App', { vpc });
  cache.allowFrom(app_);
  return { cache, template: Template.fromStack(stack) };
}

const group = (template: Template) => {
  const [resource] = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
  if (!resource) throw new Error('no replication group');
  return resource;
};

describe('AwsCache', () => {
  test('GIVEN cache.revision 2 WHEN built THEN the group id carries -r2, so CloudFormation can create the new group before deleting the old', () => {
    expect(group(build(resolved('prod', { cache: { revision: 2 } })).template).Properties.ReplicationGroupId).toBe(
      'shop-api-prd-redis-r2',
    );
    expect(group(build(resolved('prod', { cache: { revision: 0 } })).template).Properties.ReplicationGroupId).toBe(
      'shop-api-prd-redis',
    );
  });

  test('GIVEN prod (1 shard, 1 replica) WHEN built THEN a Multi-AZ, failover-enabled Valkey group encrypts in transit and at rest', () => {
    const { template } = build(resolved('prod'));
    expect(group(template).Properties).toMatchObject({
      ReplicationGroupId: 'shop-api-prd-redis',
      Engine: CACHE_ENGINE,
      CacheNodeType: 'cache.r7g.large',
      ClusterMode: 'disabled',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^SecretsDataKey/), 'Arn'] },
      Port: 6379,
      SnapshotRetentionLimit: 14,
      AutoMinorVersionUpgrade: true,
    });
    expect(group(template).Properties.NumNodeGroups).toBeUndefined();
    expect(group(template).DeletionPolicy).toBe('Snapshot');
  });

  test('GIVEN the auth token WHEN built THEN it is generated in Secrets Manager and only referenced dynamically', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      KmsKeyId: Match.anyValue(),
    });
    const token = JSON.stringify(group(template).Properties.AuthToken);
    expect(token).toContain('{{resolve:secretsmanager:');
  });

  test('GIVEN dev (no replicas) WHEN built THEN one node, no failover, no Multi-AZ, no snapshot on delete', () => {
    const { template } = build(resolved('dev'));
    expect(group(template).Properties).toMatchObject({
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
    });
    expect(group(template).DeletionPolicy).toBe('Delete');
  });

  test('GIVEN shards > 1 WHEN built THEN cluster mode spreads node groups, always with automatic failover', () => {
    const { cache, template } = build(resolved('prod', { cache: { shards: 3, replicasPerShard: 2 } }));
    expect(group(template).Properties).toMatchObject({
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 2,
      AutomaticFailoverEnabled: true,
      CacheParameterGroupName: 'default.valkey8.cluster.on',
    });
    expect(group(template).Properties.NumCacheClusters).toBeUndefined();
    expect(cache.host).toBeDefined();
    expect(JSON.stringify(Stack.of(cache).resolve(cache.host))).toContain('ConfigurationEndPoint.Address');
  });

  test('GIVEN the security group WHEN built THEN 6379 is reachable only from the allowed peer', () => {
    const { template } = build(resolved('prod'));
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => r.Properties.FromPort === 6379,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties.SourceSecurityGroupId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^App/), 'GroupId'],
    });
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup')).find((r) =>
      String(r.Properties.GroupDescription).includes('cache'),
    );
    expect(JSON.stringify(sg?.Properties.SecurityGroupIngress ?? [])).not.toContain('0.0.0.0/0');
  });

  test('GIVEN the subnet group WHEN built THEN it uses the isolated subnets only', () => {
    const { template } = build(resolved('prod'));
    const [subnets] = Object.values(template.findResources('AWS::ElastiCache::SubnetGroup'));
    expect(JSON.stringify(subnets?.Properties.SubnetIds)).toMatch(/Isolated/);
    expect(JSON.stringify(subnets?.Properties.SubnetIds)).not.toMatch(/Private|Public/);
  });

  test('GIVEN logging WHEN built THEN slow and engine logs go to encrypted log groups', () => {
    const { template } = build(resolved('prod'));
    const deliveries = group(template).Properties.LogDeliveryConfigurations as Array<{
      LogType: string;
      DestinationType: string;
    }>;
    expect(deliveries.map((d) => [d.LogType, d.DestinationType])).toEqual([
      ['slow-log', 'cloudwatch-logs'],
      ['engine-log', 'cloudwatch-logs'],
    ]);
    expect(group(template).Properties).toMatchObject({
      SnapshotWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    });
  });

  test('GIVEN node naming WHEN listing nodes THEN ids follow ElastiCache (-001 or -0001-001)', () => {
    expect(cacheNodeIds('g', 1, 1, false)).toEqual([['g-001', 'g-002']]);
    expect(cacheNodeIds('g', 2, 1, true)).toEqual([
      ['g-0001-001', 'g-0001-002'],
      ['g-0002-001', 'g-0002-002'],
    ]);
  });

  test('GIVEN a replication group override WHEN built THEN it is applied last', () => {
    const spec = resolved('prod');
    const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
    const { key } = new AwsSecrets(stack, 'Secrets', { spec });
    const { vpc } = new AwsNetwork(stack, 'Network', { spec, key });
    new AwsCache(stack, 'Cache', {
      spec,
      vpc,
      key,
      overrides: { replicationGroup: (p) => ({ ...p, snapshotRetentionLimit: 3 }) },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      SnapshotRetentionLimit: 3,
    });
  });
});
