import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { hh, WINDOWS } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { weeklyWindow } from './database';
import { dataSubnetsOf, LOG_RETENTION } from './network';
import { acknowledge } from './policy';

/**
 * Engine: Valkey, the open-source (BSD) fork of Redis OSS 7.2 maintained under the Linux
 * Foundation. Wire compatible with Redis clients, and ElastiCache prices Valkey nodes about
 * 20% below Redis OSS nodes. Major version 8.
 */
export const CACHE_ENGINE = 'valkey';
export const CACHE_ENGINE_VERSION = '8.0';
/** Default parameter groups of the engine major, without and with cluster mode. */
export const CACHE_PARAMETER_GROUPS = { standalone: 'default.valkey8', clustered: 'default.valkey8.cluster.on' };

/** The shared windows (lib/operations.ts) in ElastiCache's format. */
export const CACHE_SNAPSHOT_WINDOW = `${hh(WINDOWS.cacheSnapshotHour)}-${hh(WINDOWS.cacheSnapshotHour + 1)}`;
export const CACHE_MAINTENANCE_WINDOW = weeklyWindow(WINDOWS.cache);

/** ElastiCache keeps at most 35 daily snapshots. */
const MAX_SNAPSHOT_DAYS = 35;

/** The cache node ids ElastiCache creates, per shard: `<group>-001` or `<group>-0001-001`. */
export function cacheNodeIds(
  groupId: string,
  shards: number,
  replicasPerShard: number,
  clustered: boolean,
): string[][] {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return Array.from({ length: clustered ? shards : 1 }, (_, s) =>
    Array.from({ length: replicasPerShard + 1 }, (_, n) =>
      clustered ? `${groupId}-${pad(s + 1, 4)}-${pad(n + 1, 3)}` : `${groupId}-${pad(n + 1, 3)}`,
    ),
  );
}

/** Props of {@link AwsCache}. */
export interface AwsCacheProps {
  /** The resolved spec: node type, shards, replicas, backups. */
  readonly spec: ResolvedSpec;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the cache nodes. @default - the isolated subnets, else the private subnets with egress (dataSubnetsOf) */
  readonly subnets?: ec2.SubnetSelection;
  /** Key for encryption at rest, the auth token secret and the log groups. */
  readonly key: kms.IKey;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the replication group. @default - none */
    readonly replicationGroup?: Override<elasticache.CfnReplicationGroupProps>;
  };
}

/**
 * An ElastiCache (Valkey) replication group, the L2 CDK lacks: subnet group on the isolated
 * subnets, a security group nobody may reach until {@link allowFrom} is called, TLS in transit
 * (required), encryption at rest with the data key, an AUTH token generated in Secrets Manager
 * (the template holds only a dynamic reference), Multi-AZ with automatic failover when
 * replicasPerShard >= 1, cluster mode when shards > 1, daily snapshots, a maintenance window
 * and slow/engine logs to encrypted log groups.
 *
 * Stateful identity: the replication group keeps one logical id whatever the spec says.
 * Turning cluster mode on or off (shards 1 <-> >1) replaces the group in CloudFormation, which
 * drops its data: plan it as a migration (snapshot, new group, switch), not a spec edit.
 */
export class AwsCache extends Construct {
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Subnet group on the data subnets. */
  public readonly subnetGroup: elasticache.CfnSubnetGroup;
  /** Security group of the nodes. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The AUTH token (CACHE_SECRET points here). */
  public readonly authToken: secretsmanager.Secret;
  /** Slow log group. */
  public readonly slowLogGroup: logs.LogGroup;
  /** Engine log group. */
  public readonly engineLogGroup: logs.LogGroup;
  /** Host clients connect to: the configuration endpoint (cluster mode) or the primary endpoint. */
  public readonly host: string;
  /** Port clients connect to. */
  public readonly port: string;
  /** Replication group id (also the prefix of every node id). */
  public readonly groupId: string;
  /** Node ids per shard, for per-node metrics. */
  public readonly nodeIds: string[][];

  constructor(scope: Construct, id: string, props: AwsCacheProps) {
    super(scope, id);
    const { spec, vpc, key } = props;
    const cache = spec.cache;
    const removalPolicy = spec.isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.groupId = spec.names.of('awsCache', spec.cache.nameSuffix);
    this.port = String(cache.port);
    this.nodeIds = cacheNodeIds(this.groupId, cache.shards, cache.replicasPerShard, cache.clustered);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${spec.names.base} cache: ${cache.port} from the app instances only`,
      allowAllOutbound: false,
    });

    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `${spec.names.base} cache subnets (isolated)`,
      subnetIds: vpc.selectSubnets(props.subnets ?? dataSubnetsOf(vpc)).subnetIds,
    });

    // ElastiCache AUTH tokens: 16-128 printable characters without @, " or /.
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: `${spec.names.base}: AUTH token of the cache`,
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(this.authToken, {
      'AwsSolutions-SMG4':
        'ElastiCache AUTH tokens rotate through ModifyReplicationGroup (AuthTokenUpdateStrategy ROTATE then SET); Secrets Manager has no hosted rotation for them, so rotation is an operator runbook.',
    });

    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, { retention: LOG_RETENTION, encryptionKey: key, removalPolicy });
    this.slowLogGroup = logGroup('SlowLog');
    this.engineLogGroup = logGroup('EngineLog');
    const delivery = (logType: string, group: logs.LogGroup) => ({
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
    });

    const shape: Partial<elasticache.CfnReplicationGroupProps> = cache.clustered
      ? {
          clusterMode: 'enabled',
          numNodeGroups: cache.shards,
          replicasPerNodeGroup: cache.replicasPerShard,
          cacheParameterGroupName: CACHE_PARAMETER_GROUPS.clustered,
        }
      : {
          clusterMode: 'disabled',
          numCacheClusters: cache.replicasPerShard + 1,
          cacheParameterGroupName: CACHE_PARAMETER_GROUPS.standalone,
        };

    this.replicationGroup = new elasticache.CfnReplicationGroup(
      this,
      'ReplicationGroup',
      applyOverride<elasticache.CfnReplicationGroupProps>(
        {
          replicationGroupId: this.groupId,
          replicationGroupDescription: `${spec.names.base} cache`,
          engine: CACHE_ENGINE,
          engineVersion: CACHE_ENGINE_VERSION,
          cacheNodeType: cache.nodeType.aws.type,
          ...shape,
          // Cluster mode always fails over automatically; without it, failover needs a replica.
          automaticFailoverEnabled: cache.highAvailability || cache.clustered,
          multiAzEnabled: cache.highAvailability,
          port: cache.port,
          cacheSubnetGroupName: this.subnetGroup.ref,
          securityGroupIds: [this.securityGroup.securityGroupId],
          transitEncryptionEnabled: true,
          transitEncryptionMode: 'required',
          atRestEncryptionEnabled: true,
          kmsKeyId: key.keyArn,
          authToken: SecretValue.secretsManager(this.authToken.secretArn).unsafeUnwrap(),
          autoMinorVersionUpgrade: true,
          snapshotRetentionLimit: Math.min(spec.database.backupRetentionDays, MAX_SNAPSHOT_DAYS),
          snapshotWindow: CACHE_SNAPSHOT_WINDOW,
          preferredMaintenanceWindow: CACHE_MAINTENANCE_WINDOW,
          logDeliveryConfigurations: [
            delivery('slow-log', this.slowLogGroup),
            delivery('engine-log', this.engineLogGroup),
          ],
        },
        props.overrides?.replicationGroup,
      ),
    );
    this.replicationGroup.applyRemovalPolicy(spec.isProd ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY);
    if (!cache.highAvailability) {
      acknowledge(this.replicationGroup, {
        'AwsSolutions-AEC4': `cache.replicasPerShard is 0 in this spec (${spec.environment}); a single node cannot be Multi-AZ. Set replicasPerShard >= 1 for failover.`,
      });
    }

    this.host = cache.clustered
      ? this.replicationGroup.attrConfigurationEndPointAddress
      : this.replicationGroup.attrPrimaryEndPointAddress;
  }

  /** Lets a peer (the app instances) reach the cache port; nothing else can. */
  public allowFrom(peer: ec2.IConnectable, description = 'cache from the app instances'): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(Number(this.port)), description);
  }
}
