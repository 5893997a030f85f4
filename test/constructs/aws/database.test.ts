import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CACHE_MAINTENANCE_WINDOW, CACHE_SNAPSHOT_WINDOW } from '../../../constructs/aws/cache';
import {
  AwsDatabase,
  auroraAuditParameters,
  DATABASE_BACKUP_WINDOW,
  DATABASE_MAINTENANCE_WINDOW,
  DATABASE_PARAMETERS,
  databaseId,
  readerCount,
  serverlessCapacity,
  shardRemoval,
  weeklyWindow,
} from '../../../constructs/aws/database';
import { AwsNetwork } from '../../../constructs/aws/network';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import { DATABASE_AUDIT } from '../../../lib/operations';
import type { ResolvedSpec } from '../../../lib/resolve';
import { DATABASE_SIZES } from '../../../lib/sizes';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec, shardIndex = 0) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { key } = new AwsSecrets(stack, 'Secrets', { spec });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec, key });
  const shard = spec.database.shards[shardIndex];
  if (!shard) throw new Error('no such shard');
  const db = new AwsDatabase(stack, databaseId(shard), { spec, shard, vpc, key });
  const appSg = new ec2.SecurityGroup(stack, 'App', { vpc });
  db.allowFrom(appSg);
  return { db, stack, template: Template.fromStack(stack) };
}

const cluster = (template: Template) => {
  const [resource] = Object.values(template.findResources('AWS::RDS::DBCluster'));
  if (!resource) throw new Error('no cluster');
  return resource;
};

describe('AwsDatabase', () => {
  test('GIVEN prod WHEN built THEN Aurora PostgreSQL is encrypted, IAM-auth, protected, backed up and retained on delete', () => {
    const { template } = build(resolved('prod', { database: { engineVersion: '16', backupRetentionDays: 14 } }));
    expect(cluster(template).Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: '16.13',
      DBClusterIdentifier: 'shop-api-prd-db',
      DatabaseName: 'app',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^SecretsDataKey/), 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnableCloudwatchLogsExports: ['postgresql'],
      Port: 5432,
      CopyTagsToSnapshot: true,
    });
    // Deletion protection: CloudFormation could not delete it, so it is retained (shardRemoval).
    expect(cluster(template).DeletionPolicy).toBe('Retain');
  });

  test.each([
    ['14', '14.22'],
    ['15', '15.17'],
    ['17', '17.9'],
  ] as const)('GIVEN engineVersion %s WHEN built THEN the pinned minor %s is used', (major, minor) => {
    const { template } = build(resolved('dev', { database: { engineVersion: major } }));
    expect(cluster(template).Properties.EngineVersion).toBe(minor);
  });

  test('GIVEN dev WHEN built THEN no deletion protection, and deleting the cluster leaves a final snapshot', () => {
    const { template } = build(resolved('dev'));
    expect(cluster(template).Properties.DeletionProtection).toBe(false);
    expect(cluster(template).DeletionPolicy).toBe('Snapshot');
  });

  test.each([
    [true, { cluster: RemovalPolicy.RETAIN, secretsAndLogs: RemovalPolicy.RETAIN, support: RemovalPolicy.RETAIN }],
    [false, { cluster: RemovalPolicy.SNAPSHOT, secretsAndLogs: RemovalPolicy.RETAIN, support: RemovalPolicy.DESTROY }],
  ] as const)(
    'GIVEN prod with deletionProtection %s WHEN a shard leaves THEN its resources become %o',
    (deletionProtection, expected) => {
      expect(shardRemoval(resolved('prod', { database: { deletionProtection, allowUnsafeProd: true } }))).toEqual(
        expected,
      );
    },
  );

  test('GIVEN readReplicas 2 WHEN built THEN a writer and Reader1..2 share the class and Performance Insights', () => {
    const { template } = build(resolved('prod', { database: { readReplicas: 2 } }));
    const instances = template.findResources('AWS::RDS::DBInstance');
    expect(
      Object.keys(instances)
        .map((id) => id.replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(['DatabaseClusterReader1', 'DatabaseClusterReader2', 'DatabaseClusterWriter']);
    for (const instance of Object.values(instances)) {
      expect(instance.Properties).toMatchObject({
        DBInstanceClass: 'db.r7g.large',
        PubliclyAccessible: false,
        EnablePerformanceInsights: true,
        MonitoringInterval: 60,
        AutoMinorVersionUpgrade: true,
      });
    }
  });

  test('GIVEN size small WHEN built THEN the writer and readers are Aurora Serverless v2 in the size table range, and the readers scale with the writer', () => {
    const spec = resolved('staging', { database: { size: 'small', readReplicas: 2 } });
    expect(serverlessCapacity(spec)).toEqual(DATABASE_SIZES.small.aws.capacityUnits);
    const { template, db } = build(spec);
    expect(db.capacityUnits).toEqual({ min: 0.5, max: 2 });
    expect(cluster(template).Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0.5, MaxCapacity: 2 });
    const instances = template.findResources('AWS::RDS::DBInstance');
    const byId = Object.fromEntries(
      Object.entries(instances).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties]),
    );
    expect(Object.keys(byId).sort()).toEqual([
      'DatabaseClusterReader1',
      'DatabaseClusterReader2',
      'DatabaseClusterWriter',
    ]);
    for (const props of Object.values(byId)) {
      expect(props).toMatchObject({
        DBInstanceClass: 'db.serverless',
        EnablePerformanceInsights: true,
        MonitoringInterval: 60,
      });
    }
    // Tier 0-1 serverless readers follow the writer's capacity: a failover never lands on 0.5 ACU.
    expect(byId.DatabaseClusterWriter?.PromotionTier).toBe(0);
    expect(byId.DatabaseClusterReader1?.PromotionTier).toBe(1);
    expect(byId.DatabaseClusterReader2?.PromotionTier).toBe(1);
  });

  test('GIVEN replicaSize large with size medium WHEN built THEN the readers run on the replica class, the writer on its own', () => {
    const { template } = build(
      resolved('prod', { database: { size: 'medium', replicaSize: 'large', readReplicas: 2 } }),
    );
    const classes = Object.entries(template.findResources('AWS::RDS::DBInstance'))
      .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), (r.Properties as { DBInstanceClass: string }).DBInstanceClass])
      .sort();
    expect(classes).toEqual([
      ['DatabaseClusterReader1', DATABASE_SIZES.large.aws.type],
      ['DatabaseClusterReader2', DATABASE_SIZES.large.aws.type],
      ['DatabaseClusterWriter', DATABASE_SIZES.medium.aws.type],
    ]);
  });

  test('GIVEN serverless readers (replicaSize small) under a provisioned writer WHEN built THEN the cluster carries the serverless range', () => {
    const spec = resolved('prod', { database: { size: 'medium', replicaSize: 'small', readReplicas: 1 } });
    const { template } = build(spec);
    expect(serverlessCapacity(spec)).toEqual(DATABASE_SIZES.small.aws.capacityUnits);
    expect(cluster(template).Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0.5, MaxCapacity: 2 });
    const classes = Object.values(template.findResources('AWS::RDS::DBInstance')).map(
      (r) => (r.Properties as { DBInstanceClass: string }).DBInstanceClass,
    );
    expect(classes.sort()).toEqual(['db.r7g.large', 'db.serverless']);
  });

  test('GIVEN size medium WHEN built THEN provisioned instances and no serverless range', () => {
    const spec = resolved('staging', { database: { size: 'medium' } });
    expect(serverlessCapacity(spec)).toBeUndefined();
    const { template, db } = build(spec);
    expect(db.capacityUnits).toBeUndefined();
    expect(cluster(template).Properties.ServerlessV2ScalingConfiguration).toBeUndefined();
    for (const instance of Object.values(template.findResources('AWS::RDS::DBInstance'))) {
      expect(instance.Properties.DBInstanceClass).toBe('db.r7g.large');
    }
  });

  test('GIVEN highAvailability with no read replicas WHEN built THEN one standby reader exists', () => {
    const spec = resolved('prod', { database: { readReplicas: 0, highAvailability: true } });
    expect(readerCount(spec, spec.database.shards[0] as never)).toBe(1);
    const { template, db } = build(spec);
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    expect(db.endpoints.readers).toHaveLength(1);
  });

  test('GIVEN dev (no replicas, no HA) WHEN built THEN only a writer, and reads still go to the reader endpoint (Aurora routes it to the writer)', () => {
    const { template, db, stack } = build(resolved('dev'));
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    expect(stack.resolve(db.endpoints.readers)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseCluster/), 'ReadEndpoint.Address'] },
    ]);
  });

  test('GIVEN the parameter group WHEN built THEN pg_stat_statements, slow-query logging and forced TLS are set', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql16',
      Parameters: Match.objectLike({
        shared_preload_libraries: 'pg_stat_statements,auto_explain',
        log_min_duration_statement: '1000',
        'auto_explain.log_analyze': '1',
        // analyze instruments every statement: per-node timing stays off to keep that cheap
        'auto_explain.log_timing': '0',
        'rds.force_ssl': '1',
      }),
    });
    expect(DATABASE_PARAMETERS['pg_stat_statements.track']).toBe('all');
  });

  test('GIVEN the shared audit decision WHEN built THEN the cluster logs connections, disconnections, lock waits, temp files and DDL, and sets nothing Aurora rejects', () => {
    const { template } = build(resolved('prod'));
    const [group] = Object.values(template.findResources('AWS::RDS::DBClusterParameterGroup'));
    const parameters = group?.Properties.Parameters as Record<string, string>;
    expect(parameters).toMatchObject({
      log_connections: '1',
      log_disconnections: '1',
      log_lock_waits: '1',
      log_temp_files: '0',
      log_statement: 'ddl',
    });
    // Not applicable to Aurora PostgreSQL (no engine checkpoints) / an Azure-only setting.
    expect(parameters).not.toHaveProperty('log_checkpoints');
    expect(Object.keys(parameters).filter((k) => k.includes('throttl'))).toEqual([]);
  });

  test('GIVEN another audit decision WHEN formatted for Aurora THEN each parameter follows it', () => {
    expect(
      auroraAuditParameters({
        ...DATABASE_AUDIT,
        logConnections: false,
        logTempFilesKiB: 1024,
        logStatement: 'mod',
      } as never),
    ).toMatchObject({ log_connections: '0', log_disconnections: '1', log_temp_files: '1024', log_statement: 'mod' });
  });

  test.each([
    ['prod', 'Retain'],
    ['dev', 'Delete'],
  ] as const)('GIVEN %s WHEN built THEN the generated admin secret has DeletionPolicy %s', (env, policy) => {
    const { template } = build(resolved(env));
    const secrets = Object.values(
      template.findResources('AWS::SecretsManager::Secret', {
        Properties: {
          GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app_admin"}' }),
        },
      }),
    );
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.DeletionPolicy).toBe(policy);
    expect(secrets[0]?.UpdateReplacePolicy).toBe(policy);
  });

  test('GIVEN the secret WHEN built THEN it is generated, KMS-encrypted and rotated by the hosted function every 30 days', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: '{"username":"app_admin"}',
        GenerateStringKey: 'password',
      }),
      KmsKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('GIVEN pooling WHEN built THEN an RDS Proxy requiring TLS fronts the writer and is the writer host', () => {
    const { template, db, stack } = build(resolved('prod', { database: { connectionPooling: true } }));
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      DBProxyName: 'shop-api-prd-proxy-az2',
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
    });
    expect(JSON.stringify(stack.resolve(db.endpoints.writer))).toContain('DatabaseProxy');
  });

  test('GIVEN pooling WHEN zones grow 2 -> 3 THEN the proxy keeps its subnets (the first two zones) and name, so it is never replaced', () => {
    const proxy = (zones: number) => {
      const { template } = build(resolved('prod', { network: { zones }, database: { connectionPooling: true } }));
      const [resource] = Object.values(template.findResources('AWS::RDS::DBProxy'));
      return resource?.Properties;
    };
    const two = proxy(2);
    const three = proxy(3);
    expect(three.VpcSubnetIds).toEqual([
      { Ref: expect.stringMatching(/^NetworkVpcIsolatedSubnet1Subnet/) },
      { Ref: expect.stringMatching(/^NetworkVpcIsolatedSubnet2Subnet/) },
    ]);
    expect(three.VpcSubnetIds).toEqual(two.VpcSubnetIds);
    expect(three.DBProxyName).toBe(two.DBProxyName);
  });

  test('GIVEN no pooling WHEN built THEN there is no proxy and the writer is the cluster endpoint', () => {
    const { template, db, stack } = build(resolved('dev'));
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
    expect(JSON.stringify(stack.resolve(db.endpoints.writer))).toContain('Endpoint.Address');
  });

  test('GIVEN the security groups WHEN built THEN 5432 is open only to the app, the proxy and the rotation function', () => {
    const { template } = build(resolved('prod', { database: { connectionPooling: true } }));
    const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => r.Properties.FromPort === 5432)
      .map((r) => JSON.stringify(r.Properties.SourceSecurityGroupId));
    expect(sources.some((s) => s.includes('App'))).toBe(true);
    expect(sources.some((s) => s.includes('ProxySecurityGroup'))).toBe(true);
    expect(sources.some((s) => s.includes('Rotation'))).toBe(true);
    expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain('0.0.0.0/0');
  });

  test('GIVEN shard 2 WHEN built THEN names carry the shard suffix and the construct id its number', () => {
    const spec = resolved('prod', { database: { shards: 3 } });
    const { template } = build(spec, 2);
    expect(databaseId(spec.database.shards[2] as never)).toBe('DatabaseShard2');
    expect(cluster(template).Properties.DBClusterIdentifier).toBe('shop-api-prd-db-s2');
    template.hasResourceProperties('AWS::RDS::DBProxy', { DBProxyName: 'shop-api-prd-proxy-az2-s2' });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/rds/cluster/shop-api-prd-db-s2/postgresql',
    });
  });
});

describe('AWS maintenance windows', () => {
  test('GIVEN the shared windows WHEN formatted for RDS and ElastiCache THEN they wrap midnight and never overlap', () => {
    expect(weeklyWindow({ day: 6, hour: 23 })).toBe('sat:23:00-sun:00:00');
    expect(DATABASE_BACKUP_WINDOW).toBe('02:00-03:00');
    expect(DATABASE_MAINTENANCE_WINDOW).toBe('sun:04:00-sun:05:00');
    expect(CACHE_SNAPSHOT_WINDOW).toBe('03:00-04:00');
    expect(CACHE_MAINTENANCE_WINDOW).toBe('sun:05:00-sun:06:00');
  });
});
