import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import type { DatabaseSpec } from '../../lib/component-spec';
import type { PostgresVersion } from '../../lib/constants';
import type { ShardEndpoints } from '../../lib/contract';
import { DATABASE_AUDIT, hh, SLOW_QUERY_MS, type WeeklyWindow, WINDOWS } from '../../lib/operations';
import {
  applyInstanceOverrides,
  applyOverride,
  type DatabaseInstanceContext,
  type InstanceOverride,
  type Override,
} from '../../lib/override';
import type { ShardPlan } from '../../lib/resolve';
import { type CapacityUnits, DATABASE_SIZES } from '../../lib/sizes';
import { AwsAppCredentials } from './database-roles';
import { dataSubnetsOf, LOG_RETENTION } from './network';
import { acknowledge, dropRedundantDependsOn, GUARD } from './policy';

/**
 * The Aurora PostgreSQL minor used for each major the spec accepts: the newest minor this
 * aws-cdk-lib knows. Auto minor version upgrade stays on, so running clusters move ahead of
 * these; raise them when upgrading aws-cdk-lib (CloudFormation rejects a lower version than
 * the one running).
 */
export const AURORA_VERSIONS: Record<PostgresVersion, rds.AuroraPostgresEngineVersion> = {
  // `of` rather than the VER_* constants: the same template, and older aws-cdk-lib releases
  // (which lack the newest constants) still build it (package.json peerDependencies).
  '14': aurora('14.22', '14'),
  '15': aurora('15.17', '15'),
  '16': aurora('16.13', '16'),
  '17': aurora('17.9', '17'),
};

/** An Aurora PostgreSQL version with the features aws-cdk-lib gives its own constants of these majors. */
function aurora(full: string, major: string): rds.AuroraPostgresEngineVersion {
  return rds.AuroraPostgresEngineVersion.of(full, major, { s3Import: true, s3Export: true });
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A shared one-hour weekly window in the RDS / ElastiCache format `ddd:hh:mm-ddd:hh:mm`. */
export function weeklyWindow(w: WeeklyWindow): string {
  const endDay = w.hour === 23 ? (w.day + 1) % 7 : w.day;
  return `${DAYS[w.day]}:${hh(w.hour)}-${DAYS[endDay]}:${hh(w.hour + 1)}`;
}

/** The shared windows (lib/operations.ts): backups first, maintenance after, apart from the cache's. */
export const DATABASE_BACKUP_WINDOW = `${hh(WINDOWS.backupHour)}-${hh(WINDOWS.backupHour + 1)}`;
export const DATABASE_MAINTENANCE_WINDOW = weeklyWindow(WINDOWS.database);

/** Days between automatic rotations of the admin password. */
export const PASSWORD_ROTATION_DAYS = 30;

/** Statements slower than lib's SLOW_QUERY_MS are logged; above this (ms) with their plan too. */
export const AUTO_EXPLAIN_MS = 2000;

/**
 * lib's DATABASE_AUDIT as Aurora PostgreSQL cluster parameters (Aurora's query-logging parameter
 * table: docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Concepts.PostgreSQL.Query_Logging.html).
 * Absent on purpose: log_checkpoints ("not applicable for Aurora PostgreSQL": the storage layer,
 * not the engine, writes pages, so there are no checkpoints to log) and connection throttling
 * (an Azure Flexible Server setting with no Aurora parameter).
 */
export function auroraAuditParameters(audit: typeof DATABASE_AUDIT = DATABASE_AUDIT): Record<string, string> {
  const flag = (on: boolean) => (on ? '1' : '0');
  return {
    log_connections: flag(audit.logConnections),
    log_disconnections: flag(audit.logDisconnections),
    log_lock_waits: flag(audit.logLockWaits),
    log_temp_files: String(audit.logTempFilesKiB),
    log_statement: audit.logStatement,
  };
}

/**
 * Cluster parameters: query statistics (pg_stat_statements) and slow-query logging with plans
 * (auto_explain) are how missing indexes are found; the shared audit logging; TLS is forced for
 * every client.
 */
export const DATABASE_PARAMETERS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_stat_statements,auto_explain',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.max': '10000',
  track_io_timing: '1',
  log_min_duration_statement: String(SLOW_QUERY_MS),
  'auto_explain.log_min_duration': String(AUTO_EXPLAIN_MS),
  'auto_explain.log_analyze': '1',
  // With analyze on, every statement is instrumented (auto_explain cannot know in advance which
  // ones will be slow); per-node clock reads are the expensive part, row counts are cheap.
  'auto_explain.log_timing': '0',
  'auto_explain.log_buffers': '1',
  ...auroraAuditParameters(),
  log_autovacuum_min_duration: '1000',
  'rds.force_ssl': '1',
  // The Data API logs in only with SCRAM-hashed passwords (PostgreSQL 14+), and so should everyone.
  password_encryption: 'scram-sha-256',
};

/** The instance class of Aurora Serverless v2 instances. */
const SERVERLESS_CLASS = 'db.serverless';

/** Applies a removal policy to a construct's CloudFormation resource, when there is one. */
function applyRemovalPolicyTo(construct: IConstruct | undefined, policy: RemovalPolicy): void {
  const resource = construct?.node.defaultChild ?? construct;
  if (resource instanceof CfnResource) resource.applyRemovalPolicy(policy);
}

/**
 * The cluster's Aurora Serverless v2 range: that of the writer's size when it is db.serverless
 * (small), else that of the readers' size (`database.replicaSize`) when they are; undefined when
 * every instance is provisioned.
 */
export function serverlessCapacity(spec: Pick<DatabaseSpec, 'database'>): CapacityUnits | undefined {
  const { size, replicaSize } = spec.database;
  return DATABASE_SIZES[size].aws.capacityUnits ?? DATABASE_SIZES[replicaSize].aws.capacityUnits;
}

/** Readers of a shard: its read replicas, and at least one standby when HA is on. */
export function readerCount(spec: Pick<DatabaseSpec, 'database'>, shard: ShardPlan): number {
  return Math.max(shard.readReplicas, spec.database.highAvailability ? 1 : 0);
}

/** What a shard's resources become when the shard leaves the spec (or the stack is deleted). */
export interface ShardRemoval {
  /** The Aurora cluster and its subnet group (its instances are always deleted with the spec). */
  readonly cluster: RemovalPolicy;
  /** The admin and app secrets (and their attachments) and the PostgreSQL log group. */
  readonly secretsAndLogs: RemovalPolicy;
  /** Parameter group and security group: kept with a retained cluster, which references them. */
  readonly support: RemovalPolicy;
}

/**
 * With deletion protection (the prod default) CloudFormation cannot delete the cluster, so a
 * removed shard would end in DELETE_FAILED: the cluster is retained instead, with everything it
 * references (parameter group, subnet group, security group, secrets, key, log group), so the
 * shard detaches cleanly with its data; its instances are deleted (Aurora allows that under
 * deletion protection; add one to the retained cluster to read the data again). Without deletion protection the cluster ends in a final snapshot; prod also keeps
 * the admin secret (it opens that snapshot) and the logs.
 */
export function shardRemoval(spec: Pick<DatabaseSpec, 'isProd' | 'database'>): ShardRemoval {
  if (spec.database.deletionProtection) {
    return { cluster: RemovalPolicy.RETAIN, secretsAndLogs: RemovalPolicy.RETAIN, support: RemovalPolicy.RETAIN };
  }
  const kept = spec.isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  return { cluster: RemovalPolicy.SNAPSHOT, secretsAndLogs: kept, support: RemovalPolicy.DESTROY };
}

/** Zones an RDS Proxy spans: the two it needs, so a third zone never touches it. */
export const PROXY_ZONES = 2;

/** The data subnets (isolated, else private: dataSubnetsOf) of the VPC's first {@link PROXY_ZONES} zones. */
export function proxySubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { ...dataSubnetsOf(vpc), availabilityZones: vpc.availabilityZones.slice(0, PROXY_ZONES) };
}

/** Construct id of a shard's database: shard 0 keeps the unsharded id. */
export function databaseId(shard: ShardPlan): string {
  return shard.index === 0 ? 'Database' : `DatabaseShard${shard.index}`;
}

/**
 * Props of one cluster instance as the instance hooks see them: provisioned (with an
 * `instanceType`) or Aurora Serverless v2 (without; the cluster's capacity range applies).
 */
export type AwsClusterInstanceProps = rds.ProvisionedClusterInstanceProps | rds.ServerlessV2ClusterInstanceProps;

/** Props of {@link AwsDatabase}. */
export interface AwsDatabaseProps {
  /**
   * The database's part of a spec: a ResolvedSpec, or resolveDatabaseSpec({ name, environment,
   * database }) for a database used alone.
   */
  readonly spec: DatabaseSpec;
  /** The shard this cluster serves; shard 0 keeps the unsharded names. @default - shard 0 */
  readonly shard?: ShardPlan;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the cluster. @default - the isolated subnets, else the private subnets with egress (dataSubnetsOf) */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Subnets of the RDS Proxy. They must never change: VpcSubnetIds replaces a proxy, and its fixed
   * name makes CloudFormation fail that replacement.
   * @default - the data subnets of the VPC's first two zones (a proxy needs two), so adding a zone leaves it alone
   */
  readonly proxySubnets?: ec2.SubnetSelection;
  /** Subnets of the rotation function, which must reach the Secrets Manager API. @default - the private subnets with egress */
  readonly rotationSubnets?: ec2.SubnetSelection;
  /** Key for storage, Performance Insights, the secret and the log group. */
  readonly key: kms.IKey;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /**
     * Props of the Aurora cluster. Change instances through `instance`, `writer` and `reader`:
     * a `writer` / `readers` given here replaces the instances with all their settings.
     * @default - none
     */
    readonly cluster?: Override<rds.DatabaseClusterProps>;
    /** Every instance, writer and readers alike, before the role's own hook. @default - none */
    readonly instance?: InstanceOverride<AwsClusterInstanceProps, DatabaseInstanceContext>;
    /** The writer, after `instance`; `instance.shard` says which shard. @default - none */
    readonly writer?: InstanceOverride<AwsClusterInstanceProps, DatabaseInstanceContext>;
    /** Each reader, after `instance`; `instance.replica` is its number (Reader<n>). @default - none */
    readonly reader?: InstanceOverride<AwsClusterInstanceProps, DatabaseInstanceContext>;
    /** Props of the RDS Proxy. @default - none */
    readonly proxy?: Override<rds.DatabaseProxyProps>;
    /** Parameters of the cluster parameter group. @default - none */
    readonly parameters?: Override<Record<string, string>>;
  };
}

/**
 * One database shard: an Aurora PostgreSQL cluster with a writer and `readReplicas` readers
 * (at least one when highAvailability, as the failover target in another zone), on the size's
 * instance class or, for a serverless size (small), Aurora Serverless v2 in its ACU range, in the
 * isolated subnets, reachable only from what {@link allowFrom} names (and the proxy).
 * Encrypted storage and Performance Insights with the data key, IAM auth, backups, deletion
 * protection and a final snapshot in prod, pg_stat_statements + slow-query logging to an
 * encrypted log group, admin credentials generated in Secrets Manager and rotated by the
 * hosted rotation function, the app's own login (AwsAppCredentials), and an RDS Proxy (TLS
 * required) in front of the writer when connectionPooling. Readers are named Reader1..N so
 * adding one never renames another.
 */
export class AwsDatabase extends Construct {
  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** Security group of the cluster. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Admin credentials: for operators and migrations, never given to the app. */
  public readonly secret: secretsmanager.ISecret;
  /** The app's login: DATABASE_SECRET points at its secret (every size has the Data API it needs). */
  public readonly appCredentials: AwsAppCredentials;
  /** The secret the app instances read: the app login's, never the admin's. */
  public readonly appSecret: secretsmanager.ISecret;
  /** The Aurora Serverless v2 range of every instance, when the size is serverless. */
  public readonly capacityUnits?: CapacityUnits;
  /** Cluster parameter group. */
  public readonly parameterGroup: rds.ParameterGroup;
  /** The PostgreSQL log group the cluster exports to. */
  public readonly logGroup: logs.LogGroup;
  /** RDS Proxy in front of the writer, when connectionPooling. */
  public readonly proxy?: rds.DatabaseProxy;
  /** Security group of the proxy, when connectionPooling. */
  public readonly proxySecurityGroup?: ec2.SecurityGroup;
  /** Rotation schedule of the admin secret. */
  public readonly rotation: secretsmanager.RotationSchedule;
  /** Number of reader instances. */
  public readonly readers: number;
  /** Cluster identifier. */
  public readonly clusterIdentifier: string;
  /** Writer host (the proxy when pooling), reader hosts and secret reference of this shard. */
  public readonly endpoints: ShardEndpoints;
  /** PostgreSQL port. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: AwsDatabaseProps) {
    super(scope, id);
    const { spec, vpc, key } = props;
    const db = spec.database;
    const shard = props.shard ?? db.shards[0] ?? { index: 0, suffix: '', readReplicas: db.readReplicas };
    const subnets = props.subnets ?? dataSubnetsOf(vpc);
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_VERSIONS[db.engineVersion] });
    this.capacityUnits = serverlessCapacity(spec);
    this.clusterIdentifier = spec.names.of('awsDatabase', shard.suffix);
    this.readers = readerCount(spec, shard);
    this.port = db.port;

    const removal = shardRemoval(spec);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${this.clusterIdentifier}: PostgreSQL from the app instances and the proxy only`,
      allowAllOutbound: false,
    });
    this.securityGroup.applyRemovalPolicy(removal.support);

    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `${this.clusterIdentifier}: query statistics, slow-query logging, TLS only`,
      parameters: applyOverride({ ...DATABASE_PARAMETERS }, props.overrides?.parameters),
      removalPolicy: removal.support,
    });

    // Created here (rather than by RDS on first export) so it has a retention and is encrypted.
    this.logGroup = new logs.LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/${this.clusterIdentifier}/postgresql`,
      retention: LOG_RETENTION,
      encryptionKey: key,
      removalPolicy: removal.secretsAndLogs,
    });

    this.cluster = new rds.DatabaseCluster(
      this,
      'Cluster',
      applyOverride<rds.DatabaseClusterProps>(
        {
          engine,
          clusterIdentifier: this.clusterIdentifier,
          credentials: rds.Credentials.fromGeneratedSecret(db.adminUser, { encryptionKey: key }),
          defaultDatabaseName: db.databaseName,
          writer: this.instance('Writer', db.instanceType.aws.type, key, { shard: shard.index }, props.overrides),
          readers: Array.from({ length: this.readers }, (_, i) =>
            this.instance(
              `Reader${i + 1}`,
              db.replicaInstanceType.aws.type,
              key,
              { shard: shard.index, replica: i + 1 },
              props.overrides,
            ),
          ),
          ...(this.capacityUnits
            ? { serverlessV2MinCapacity: this.capacityUnits.min, serverlessV2MaxCapacity: this.capacityUnits.max }
            : {}),
          vpc,
          vpcSubnets: subnets,
          securityGroups: [this.securityGroup],
          port: db.port,
          storageEncrypted: true,
          storageEncryptionKey: key,
          enablePerformanceInsights: true,
          performanceInsightEncryptionKey: key,
          performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
          iamAuthentication: true,
          // The app role statements run through it (database-roles.ts).
          enableDataApi: true,
          parameterGroup: this.parameterGroup,
          cloudwatchLogsExports: ['postgresql'],
          backup: { retention: Duration.days(db.backupRetentionDays), preferredWindow: DATABASE_BACKUP_WINDOW },
          preferredMaintenanceWindow: DATABASE_MAINTENANCE_WINDOW,
          deletionProtection: db.deletionProtection,
          removalPolicy: removal.cluster,
          copyTagsToSnapshot: true,
          autoMinorVersionUpgrade: true,
          // OS-level metrics (memory, swap, per-process CPU) every minute, for sizing decisions.
          monitoringInterval: Duration.seconds(60),
        },
        props.overrides?.cluster,
      ),
    );
    this.cluster.node.addDependency(this.logGroup);
    const secret = this.cluster.secret;
    if (!secret) throw new Error('the cluster has no generated secret');
    this.secret = secret;
    // The admin credentials outlive the stack in prod, like the final snapshot or the retained
    // cluster they open (aws-cdk-lib leaves the generated secret and its attachment on DESTROY
    // whatever the cluster's removal policy), and so does what a retained cluster references.
    const generated = this.cluster.node.tryFindChild('Secret');
    if (generated instanceof secretsmanager.Secret) {
      generated.applyRemovalPolicy(removal.secretsAndLogs);
      applyRemovalPolicyTo(generated.node.tryFindChild('Attachment'), removal.secretsAndLogs);
    }
    // Instances always go with the spec: a removed replica must not run on outside the stack, and
    // Aurora deletes instances of a deletion-protected cluster (the data stays in the volume).
    for (const child of this.cluster.node.children) {
      if (child.node.defaultChild instanceof rds.CfnDBInstance) {
        applyRemovalPolicyTo(child, RemovalPolicy.DESTROY);
      }
    }
    acknowledge(this.cluster, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]':
        'The AWS maintained policy of the enhanced-monitoring role: it only lets RDS write OS metrics to its own log group.',
    });
    if (!db.deletionProtection) {
      acknowledge(this.cluster, {
        'AwsSolutions-RDS10': `database.deletionProtection is false in this spec (${spec.environment}); prod turns it on and validation refuses prod without it.`,
        [`${GUARD}rds_cluster_deletion_protection_enabled_check`]: `database.deletionProtection is false in this spec (${spec.environment}); prod turns it on.`,
      });
    }

    const hostedRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({
      vpc,
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    this.rotation = secret.addRotationSchedule('Rotation', {
      hostedRotation,
      automaticallyAfter: Duration.days(PASSWORD_ROTATION_DAYS),
    });
    this.securityGroup.connections.allowFrom(
      hostedRotation,
      ec2.Port.tcp(db.port),
      'PostgreSQL from the rotation function',
    );

    const writerInstance = this.cluster.node.tryFindChild('Writer');
    if (!writerInstance) throw new Error('the cluster has no writer instance');
    this.appCredentials = new AwsAppCredentials(this, 'App', {
      cluster: this.cluster,
      writer: writerInstance,
      adminSecret: secret,
      databaseName: db.databaseName,
      key,
      vpc,
      rotationSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    applyRemovalPolicyTo(this.appCredentials.node.tryFindChild('Secret'), removal.secretsAndLogs);
    applyRemovalPolicyTo(
      this.appCredentials.node.tryFindChild('Secret')?.node.tryFindChild('Attachment'),
      removal.secretsAndLogs,
    );
    this.securityGroup.connections.allowFrom(
      this.appCredentials.rotationFunction,
      ec2.Port.tcp(db.port),
      'PostgreSQL from the app secret rotation function',
    );
    const appSecret = this.appCredentials.secret;

    const proxy = db.connectionPooling ? this.createProxy(spec, shard, props, [appSecret, secret]) : undefined;
    this.proxy = proxy?.proxy;
    this.proxySecurityGroup = proxy?.securityGroup;
    this.endpoints = {
      writer: this.proxy ? this.proxy.endpoint : this.cluster.clusterEndpoint.hostname,
      // Aurora's reader endpoint exists with no reader too (it then reaches the writer), so the
      // contract does not change when readers come and go.
      readers: [this.cluster.clusterReadEndpoint.hostname],
      secret: appSecret.secretArn,
    };
    this.appSecret = appSecret;
  }

  /**
   * One instance of the cluster. Serverless (small) and provisioned instances share the construct
   * id, so a size change is an instance-class change in place, never a new instance. Serverless
   * readers scale with the writer (promotion tier 1): they are the failover targets, and one
   * left at the minimum would take over the writer's load at 0.5 ACU. The instance hooks see the
   * props and may change the kind: props with an `instanceType` make a provisioned instance.
   */
  private instance(
    id: string,
    instanceClass: string,
    key: kms.IKey,
    at: DatabaseInstanceContext,
    o: AwsDatabaseProps['overrides'],
  ): rds.IClusterInstance {
    const common = {
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    };
    const computed: AwsClusterInstanceProps =
      instanceClass === SERVERLESS_CLASS
        ? { ...common, scaleWithWriter: at.replica !== undefined }
        : { ...common, instanceType: new ec2.InstanceType(instanceClass.replace(/^db\./, '')) };
    const props = applyInstanceOverrides<AwsClusterInstanceProps, DatabaseInstanceContext>(
      computed,
      at,
      o?.instance,
      at.replica === undefined ? o?.writer : o?.reader,
    );
    return 'instanceType' in props && props.instanceType
      ? rds.ClusterInstance.provisioned(id, props)
      : rds.ClusterInstance.serverlessV2(id, props);
  }

  /** The RDS Proxy in front of the writer, accepting the app login (and the admin, for operators). */
  private createProxy(
    spec: DatabaseSpec,
    shard: ShardPlan,
    props: AwsDatabaseProps,
    secrets: secretsmanager.ISecret[],
  ): { proxy: rds.DatabaseProxy; securityGroup: ec2.SecurityGroup } {
    const { vpc } = props;
    const securityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc,
      description: `${this.clusterIdentifier} proxy: PostgreSQL from the app instances only`,
      allowAllOutbound: false,
    });
    const proxy = new rds.DatabaseProxy(
      this,
      'Proxy',
      applyOverride<rds.DatabaseProxyProps>(
        {
          proxyTarget: rds.ProxyTarget.fromCluster(this.cluster),
          dbProxyName: spec.names.of('awsDatabaseProxy', shard.suffix),
          secrets: [...new Set(secrets)],
          vpc,
          vpcSubnets: props.proxySubnets ?? proxySubnets(vpc),
          securityGroups: [securityGroup],
          requireTLS: true,
          // The app authenticates with the secret's password (the same contract on every
          // cloud); IAM database auth stays available on the cluster for people and tools.
          iamAuth: false,
          idleClientTimeout: Duration.minutes(30),
          maxConnectionsPercent: 90,
          borrowTimeout: Duration.seconds(30),
        },
        props.overrides?.proxy,
      ),
    );
    this.securityGroup.connections.allowFrom(securityGroup, ec2.Port.tcp(this.port), 'PostgreSQL from the proxy');
    // The target group names the cluster (a Ref); aws-cdk-lib also lists it in DependsOn.
    const targetGroup = proxy.node.tryFindChild('ProxyTargetGroup');
    if (targetGroup instanceof CfnResource) {
      dropRedundantDependsOn(targetGroup, [this.cluster.node.defaultChild as CfnResource]);
    }
    return { proxy, securityGroup };
  }

  /** Lets a peer (the app instances) reach PostgreSQL on the cluster and the proxy. */
  public allowFrom(peer: ec2.IConnectable, description = 'PostgreSQL from the app instances'): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
    this.proxySecurityGroup?.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }
}
