import { SqlDatabase, type SqlDatabaseConfig } from '@cdktf/provider-google/lib/sql-database';
import {
  SqlDatabaseInstance,
  type SqlDatabaseInstanceConfig,
  type SqlDatabaseInstanceSettings,
} from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser, type SqlUserConfig } from '@cdktf/provider-google/lib/sql-user';
import { Password, type PasswordConfig } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Fn, type ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { ShardEndpoints } from '../../lib/contract';
import { replicaSuffix } from '../../lib/naming';
import { hh, SLOW_QUERY_MS, WINDOWS } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { GcpNetworkRef } from './network';
import { type GcpSecret, GcpSecrets } from './secrets';

/**
 * Flags every instance gets: slow queries plus the checkpoint / connection / lock-wait /
 * temp-file / DDL logging and pgAudit (role changes and DDL) the CIS benchmark asks for.
 * Not set, on purpose: log_hostname (a reverse DNS lookup per connection; log_connections
 * already records the client IP) and log_duration (a line per statement; slow ones are logged
 * with their text). pg_stat_statements needs no flag on Cloud SQL
 * (`CREATE EXTENSION pg_stat_statements`); Query Insights covers the rest.
 */
export const DATABASE_FLAGS: Readonly<Record<string, string>> = {
  log_min_duration_statement: String(SLOW_QUERY_MS),
  log_checkpoints: 'on',
  log_connections: 'on',
  log_disconnections: 'on',
  log_lock_waits: 'on',
  log_temp_files: '0',
  log_min_error_statement: 'error',
  log_statement: 'ddl',
  'cloudsql.enable_pgaudit': 'on',
  'pgaudit.log': 'role,ddl',
};

/**
 * Cloud SQL for PostgreSQL's default `max_connections` by instance memory (GiB), from the
 * Cloud SQL quotas page; used for the connections alarm. Unknown sizes (0) get the
 * smallest ceiling of the table rows used here, so the alarm fires early rather than late.
 */
export function cloudSqlDefaultMaxConnections(memoryGiB: number): number {
  const rows: [number, number][] = [
    [120, 1000],
    [60, 800],
    [30, 600],
    [15, 500],
    [7.5, 400],
    [6, 200],
    [3.75, 100],
    [1.7, 50],
  ];
  for (const [min, connections] of rows) if (memoryGiB >= min) return connections;
  return memoryGiB > 0 ? 25 : 100;
}

export interface GcpDatabaseProps {
  /** The resolved spec: version, tier, storage, shards, replicas, backups, protection, names. */
  readonly spec: ResolvedSpec;
  /** The private network: instances get a private IP from its service access range only. */
  readonly network: GcpNetworkRef;
  /** Where the credentials go. @default a GcpSecrets created inside this construct */
  readonly secrets?: GcpSecrets;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** Every primary (check `name`). */
    readonly primary?: Override<SqlDatabaseInstanceConfig>;
    /** Every read replica (check `name`). */
    readonly replica?: Override<SqlDatabaseInstanceConfig>;
    /** The application database of every primary. */
    readonly database?: Override<SqlDatabaseConfig>;
    /** The admin user of every primary. */
    readonly user?: Override<SqlUserConfig>;
    /** The generated admin password of every primary. */
    readonly password?: Override<PasswordConfig>;
  };
}

/** One shard: a primary, its replicas, the app database, the admin user and its secret. */
export interface GcpDatabaseShard {
  readonly index: number;
  readonly primary: SqlDatabaseInstance;
  readonly replicas: readonly SqlDatabaseInstance[];
  readonly database: SqlDatabase;
  readonly user: SqlUser;
  readonly password: Password;
  readonly secret: GcpSecret;
}

/**
 * Cloud SQL for PostgreSQL per shard: a primary (REGIONAL when HA, private IP only, TLS
 * required, backups + PITR, Query Insights, logging flags, deletion protection) and its read
 * replicas, with the admin password in Secret Manager. Construct ids carry the shard and
 * replica suffixes from lib/naming, so shard 0 keeps the unsharded addresses and replica r
 * keeps its address when more are added.
 */
export class GcpDatabase extends Construct {
  public readonly shards: readonly GcpDatabaseShard[];
  public readonly secrets: GcpSecrets;
  /** Instance names of every primary, shard order. */
  public readonly primaryNames: readonly string[];
  /** Instance names of every read replica. */
  public readonly replicaNames: readonly string[];

  constructor(scope: Construct, id: string, props: GcpDatabaseProps) {
    super(scope, id);
    const { spec, network } = props;
    const db = spec.database;
    const o = props.overrides ?? {};
    ensureRandomProvider(this);
    this.secrets = props.secrets ?? new GcpSecrets(this, 'secrets', { spec });

    const ipConfiguration = {
      ipv4Enabled: false,
      privateNetwork: network.vpcId,
      allocatedIpRange: network.servicesRangeName,
      // TLS on every connection, password authentication; client certificates would have to be
      // distributed to every VM and rotated, which TLS + Secret Manager already covers.
      sslMode: 'ENCRYPTED_ONLY',
    };
    const databaseFlags = Object.entries(DATABASE_FLAGS).map(([name, value]) => ({ name, value }));
    const common: Omit<SqlDatabaseInstanceSettings, 'tier'> = {
      edition: 'ENTERPRISE',
      diskType: 'PD_SSD',
      diskAutoresize: true,
      diskAutoresizeLimit: 0,
      ipConfiguration,
      databaseFlags,
      insightsConfig: {
        queryInsightsEnabled: true,
        queryStringLength: 1024,
        recordApplicationTags: true,
        recordClientAddress: false,
      },
      userLabels: { ...spec.tags },
    };

    const primaryNames: string[] = [];
    const replicaNames: string[] = [];
    this.shards = db.shards.map((shard) => {
      const suffix = shard.suffix;
      const primaryName = spec.names.of('gcpSql', suffix);
      primaryNames.push(primaryName);
      const password = new Password(
        this,
        `password${suffix}`,
        applyOverride<PasswordConfig>({ length: 32, special: false }, o.password),
      );
      const primary = new SqlDatabaseInstance(
        this,
        `primary${suffix}`,
        applyOverride<SqlDatabaseInstanceConfig>(
          {
            name: primaryName,
            region: spec.regions.gcp,
            databaseVersion: `POSTGRES_${db.engineVersion}`,
            deletionProtection: db.deletionProtection,
            settings: {
              ...common,
              tier: db.instanceType.gcp.type,
              availabilityType: db.highAvailability ? 'REGIONAL' : 'ZONAL',
              diskSize: db.storageGiB,
              deletionProtectionEnabled: db.deletionProtection,
              backupConfiguration: {
                enabled: true,
                startTime: hh(WINDOWS.backupHour),
                pointInTimeRecoveryEnabled: true,
                // Cloud SQL keeps transaction logs for at most 7 days; older points restore from backups.
                transactionLogRetentionDays: Math.min(7, db.backupRetentionDays),
                backupRetentionSettings: { retainedBackups: db.backupRetentionDays, retentionUnit: 'COUNT' },
              },
              // The shared window, after the backup; replicas follow their primary. Cloud SQL counts
              // days 1 (Monday) .. 7 (Sunday).
              maintenanceWindow: {
                day: WINDOWS.database.day === 0 ? 7 : WINDOWS.database.day,
                hour: WINDOWS.database.hour,
                updateTrack: 'stable',
              },
            },
            dependsOn: network.privateServiceAccess,
            // storageGiB is the starting size: autoresize grows the disk, and a smaller value in the
            // configuration must never plan a shrink (a replacement on older providers).
            lifecycle: { ignoreChanges: ['settings[0].disk_size'] },
          },
          o.primary,
        ),
      );
      const database = new SqlDatabase(
        this,
        `database${suffix}`,
        applyOverride<SqlDatabaseConfig>(
          {
            name: db.databaseName,
            instance: primary.name,
            // Terraform must never drop the application's data; the instance's own deletion protection guards it.
            deletionPolicy: 'ABANDON',
          },
          o.database,
        ),
      );
      const user = new SqlUser(
        this,
        `admin${suffix}`,
        applyOverride<SqlUserConfig>(
          {
            name: db.adminUser,
            instance: primary.name,
            password: password.result,
            // PostgreSQL users that own objects cannot be deleted through the API.
            deletionPolicy: 'ABANDON',
            // Operations on one Cloud SQL instance run one at a time.
            dependsOn: [database],
          },
          o.user,
        ),
      );

      const replicas: SqlDatabaseInstance[] = [];
      let previous: ITerraformDependable = user;
      for (let r = 1; r <= shard.readReplicas; r++) {
        const replicaName = spec.names.of('gcpSql', replicaSuffix(shard.index, r));
        replicaNames.push(replicaName);
        const replica: SqlDatabaseInstance = new SqlDatabaseInstance(
          this,
          `replica${replicaSuffix(shard.index, r)}`,
          applyOverride<SqlDatabaseInstanceConfig>(
            {
              name: replicaName,
              region: spec.regions.gcp,
              databaseVersion: `POSTGRES_${db.engineVersion}`,
              masterInstanceName: primary.name,
              // A replica holds no data of its own: removing one (fewer replicas) must stay possible.
              deletionProtection: false,
              replicaConfiguration: { failoverTarget: false },
              settings: {
                ...common,
                tier: db.instanceType.gcp.type,
                availabilityType: 'ZONAL',
                // A replica's disk may not be smaller than its primary's, which autoresize may have grown
                // well past storageGiB by the time a replica is added: start from the primary's size now.
                diskSize: primary.settings.diskSize,
                backupConfiguration: { enabled: false },
              },
              // Cloud SQL creates one replica of a primary at a time.
              dependsOn: [previous],
              lifecycle: { ignoreChanges: ['settings[0].disk_size'] },
            },
            o.replica,
          ),
        );
        replicas.push(replica);
        previous = replica;
      }

      const secret = this.secrets.add(`database${suffix}`, {
        idSuffix: `-database${suffix}`,
        deletionProtection: db.deletionProtection,
        data: Fn.jsonencode({
          engine: 'postgres',
          host: primary.privateIpAddress,
          port: db.port,
          dbname: db.databaseName,
          username: db.adminUser,
          password: password.result,
          sslmode: 'require',
        }),
      });
      return { index: shard.index, primary, replicas, database, user, password, secret };
    });
    this.primaryNames = primaryNames;
    this.replicaNames = replicaNames;
  }

  /** Endpoints per shard as the environment contract wants them (private IPs, secret ids). */
  get endpoints(): ShardEndpoints[] {
    return this.shards.map((s) => ({
      writer: s.primary.privateIpAddress,
      readers: s.replicas.map((r) => r.privateIpAddress),
      secret: s.secret.secret.id,
    }));
  }
}

/** random_password needs its provider; add one to the stack unless it already has it. */
export function ensureRandomProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  const has = stack.node.findAll().some((c) => c instanceof RandomProvider);
  if (!has) new RandomProvider(stack, 'random');
}
