import { DataGoogleSqlDatabaseInstances } from '@cdktf/provider-google/lib/data-google-sql-database-instances';
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
import { defaultMaxConnections } from '../../lib/assumptions';
import type { ShardEndpoints } from '../../lib/contract';
import { APP_USER, APP_USER_CLONE, appCredentialGeneration } from '../../lib/database-roles';
import { replicaSuffix } from '../../lib/naming';
import { DATABASE_AUDIT, hh, SLOW_QUERY_MS, WINDOWS } from '../../lib/operations';
import {
  applyInstanceOverrides,
  applyOverride,
  type DatabaseInstanceContext,
  type InstanceOverride,
  type Override,
} from '../../lib/override';
import type { ResolvedSpec, ShardPlan } from '../../lib/resolve';
import { droppedNames } from '../../lib/terraform-text';
import { GcpDatabaseEndpoints, type GcpDatabaseEndpointsProps } from './endpoints';
import type { GcpNetworkRef } from './network';
import { type GcpSecret, GcpSecrets } from './secrets';

const onOff = (on: boolean) => (on ? 'on' : 'off');

/**
 * Flags every instance gets: slow queries, the audit logging every cloud shares
 * (lib/operations.ts DATABASE_AUDIT: connections, disconnections, checkpoints, lock waits, temp
 * files, DDL) and pgAudit (role changes and DDL). Not set, on purpose: log_hostname (a reverse
 * DNS lookup per connection; log_connections already records the client IP) and log_duration (a
 * line per statement; slow ones are logged with their text); DATABASE_AUDIT's connection
 * throttling is Azure's (Cloud SQL has no such flag). pg_stat_statements needs no flag on Cloud
 * SQL (`CREATE EXTENSION pg_stat_statements`); Query Insights covers the rest.
 */
export const DATABASE_FLAGS: Readonly<Record<string, string>> = {
  log_min_duration_statement: String(SLOW_QUERY_MS),
  log_checkpoints: onOff(DATABASE_AUDIT.logCheckpoints),
  log_connections: onOff(DATABASE_AUDIT.logConnections),
  log_disconnections: onOff(DATABASE_AUDIT.logDisconnections),
  log_lock_waits: onOff(DATABASE_AUDIT.logLockWaits),
  log_temp_files: String(DATABASE_AUDIT.logTempFilesKiB),
  log_min_error_statement: 'error',
  log_statement: DATABASE_AUDIT.logStatement,
  'cloudsql.enable_pgaudit': 'on',
  'pgaudit.log': 'role,ddl',
};

/**
 * Cloud SQL for PostgreSQL's default `max_connections` for this memory.
 * @deprecated use `defaultMaxConnections('gcp', memoryGiB)` from the core; kept for the package's callers.
 */
export const cloudSqlDefaultMaxConnections = (memoryGiB: number): number => defaultMaxConnections('gcp', memoryGiB);

export interface GcpDatabaseProps {
  /** The resolved spec: version, tier, storage, shards, replicas, backups, protection, names. */
  readonly spec: ResolvedSpec;
  /** The private network: instances get a private IP from its service access range only. */
  readonly network: GcpNetworkRef;
  /** Where the credentials go. @default a GcpSecrets created inside this construct */
  readonly secrets?: GcpSecrets;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /**
     * Every instance, primaries and read replicas alike (flags, edition, labels...), before the
     * role's own hook; `instance` says which one (`replica` absent for a primary).
     */
    readonly instance?: InstanceOverride<SqlDatabaseInstanceConfig, DatabaseInstanceContext>;
    /** Each primary, after `instance`; `instance.shard` says which, so one shard can differ. */
    readonly primary?: InstanceOverride<SqlDatabaseInstanceConfig, DatabaseInstanceContext>;
    /** Each read replica, after `instance`; `instance.shard` and `instance.replica` (1-based) say which. */
    readonly replica?: InstanceOverride<SqlDatabaseInstanceConfig, DatabaseInstanceContext>;
    /** The application database of every primary. */
    readonly database?: Override<SqlDatabaseConfig>;
    /** The admin user of every primary. */
    readonly user?: Override<SqlUserConfig>;
    /** The generated admin password of every primary. */
    readonly password?: Override<PasswordConfig>;
    /** The two generated app passwords of every primary (check `keepers`). */
    readonly appPassword?: Override<PasswordConfig>;
    /** The private DNS zone and records of the endpoints. */
    readonly endpoints?: GcpDatabaseEndpointsProps['overrides'];
  };
}

/** One shard: a primary, its replicas, the app database, the admin user, the app logins and their secrets. */
export interface GcpDatabaseShard {
  readonly index: number;
  /** `''` for shard 0, `-s<n>` otherwise. */
  readonly suffix: string;
  readonly primary: SqlDatabaseInstance;
  readonly replicas: readonly SqlDatabaseInstance[];
  readonly database: SqlDatabase;
  readonly user: SqlUser;
  readonly password: Password;
  /** The admin credentials (operators and the roles job only). */
  readonly secret: GcpSecret;
  /** Generated passwords of the two app logins (lib/database-roles.ts). */
  readonly appPasswords: Readonly<Record<typeof APP_USER | typeof APP_USER_CLONE, Password>>;
  /** JSON `{app_user, app_user_clone}` passwords: what the roles job sets (the job only). */
  readonly loginsSecret: GcpSecret;
  /** The app's credentials (DATABASE_SECRET); its versions are added by the roles job. */
  readonly appSecret: GcpSecret;
  /** The login the app secret names at this rotation generation. */
  readonly activeUser: typeof APP_USER | typeof APP_USER_CLONE;
}

/**
 * Cloud SQL for PostgreSQL per shard: a primary (REGIONAL when HA, private IP only, TLS
 * required, backups + PITR kept after deletion, Query Insights, logging flags, deletion
 * protection) and its read replicas, with the admin password in Secret Manager; the app's two
 * logins (generated passwords, an app secret GcpDatabaseRoles fills); private DNS names per role
 * (GcpDatabaseEndpoints). Construct ids carry the shard and replica suffixes from lib/naming, so
 * shard 0 keeps the unsharded addresses and replica r keeps its address when more are added.
 */
export class GcpDatabase extends Construct {
  public readonly shards: readonly GcpDatabaseShard[];
  public readonly secrets: GcpSecrets;
  /** The private zone and per-role records the environment contract names. */
  public readonly dns: GcpDatabaseEndpoints;
  /** With deletion protection: refuses at plan a spec that drops a shard (see shardRemovalGuard). */
  public readonly shardGuard?: DataGoogleSqlDatabaseInstances;
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
    const common = commonSettings(spec, network);

    const primaryNames: string[] = [];
    const replicaNames: string[] = [];
    this.shards = db.shards.map((shard) => {
      const suffix = shard.suffix;
      primaryNames.push(spec.names.of('gcpSql', suffix));
      const { password, primary, database, user } = this.primaryOf(spec, shard, network, common, o);
      const replicas = this.replicasOf(spec, shard, primary, user, common, o);
      replicaNames.push(...shardReplicaNames(spec, shard));

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
      return {
        index: shard.index,
        suffix,
        primary,
        replicas,
        database,
        user,
        password,
        secret,
        ...this.loginsOf(spec, suffix, o.appPassword),
      };
    });
    this.primaryNames = primaryNames;
    this.replicaNames = replicaNames;
    this.dns = new GcpDatabaseEndpoints(this, 'dns', {
      spec,
      network,
      shards: this.shards.map((s) => ({
        shard: s,
        primary: s.primary.privateIpAddress,
        replicas: s.replicas.map((r) => r.privateIpAddress),
      })),
      ...(o.endpoints ? { overrides: o.endpoints } : {}),
    });
    if (db.deletionProtection) this.shardGuard = shardRemovalGuard(this, spec, primaryNames);
  }

  /** One shard's primary (with the admin password), its application database and the admin user. */
  private primaryOf(
    spec: ResolvedSpec,
    shard: ShardPlan,
    network: GcpNetworkRef,
    common: Omit<SqlDatabaseInstanceSettings, 'tier'>,
    o: NonNullable<GcpDatabaseProps['overrides']>,
  ) {
    const db = spec.database;
    const suffix = shard.suffix;
    const primaryName = spec.names.of('gcpSql', suffix);
    const password = new Password(
      this,
      `password${suffix}`,
      applyOverride<PasswordConfig>({ length: 32, special: false }, o.password),
    );
    const primary = new SqlDatabaseInstance(
      this,
      `primary${suffix}`,
      applyInstanceOverrides<SqlDatabaseInstanceConfig, DatabaseInstanceContext>(
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
            // A shard removed on purpose (deletion protection off) leaves its backups behind.
            retainBackupsOnDelete: true,
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
          lifecycle: {
            // storageGiB is the starting size: autoresize grows the disk, and a smaller value in the
            // configuration must never plan a shrink (a replacement on older providers).
            ignoreChanges: ['settings[0].disk_size'],
            // With deletion protection a replacement or destroy is refused at plan, not mid-apply.
            preventDestroy: db.deletionProtection,
          },
        },
        { shard: shard.index },
        o.instance,
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
          lifecycle: { preventDestroy: db.deletionProtection },
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
    return { password, primary, database, user };
  }

  /**
   * Read replicas of one shard (`master_instance_name`, zonal, no backups, no deletion protection:
   * they hold no data of their own and removing one must stay possible), created one after another.
   */
  private replicasOf(
    spec: ResolvedSpec,
    shard: ShardPlan,
    primary: SqlDatabaseInstance,
    user: SqlUser,
    common: Omit<SqlDatabaseInstanceSettings, 'tier'>,
    o: NonNullable<GcpDatabaseProps['overrides']>,
  ): SqlDatabaseInstance[] {
    const db = spec.database;
    const replicas: SqlDatabaseInstance[] = [];
    let previous: ITerraformDependable = user;
    for (let r = 1; r <= shard.readReplicas; r++) {
      const replica: SqlDatabaseInstance = new SqlDatabaseInstance(
        this,
        `replica${replicaSuffix(shard.index, r)}`,
        applyInstanceOverrides<SqlDatabaseInstanceConfig, DatabaseInstanceContext>(
          {
            name: shardReplicaNames(spec, shard)[r - 1] as string,
            region: spec.regions.gcp,
            databaseVersion: `POSTGRES_${db.engineVersion}`,
            masterInstanceName: primary.name,
            deletionProtection: false,
            replicaConfiguration: { failoverTarget: false },
            settings: {
              ...common,
              tier: db.replicaInstanceType.gcp.type,
              availabilityType: 'ZONAL',
              // A replica's disk may not be smaller than its primary's, which autoresize may have grown
              // well past storageGiB by the time a replica is added: start from the primary's size now.
              diskSize: primary.settings.diskSize,
              backupConfiguration: { enabled: false },
            },
            // Cloud SQL creates one replica of a primary at a time.
            dependsOn: [previous],
            lifecycle: {
              ignoreChanges: ['settings[0].disk_size'],
              // A removed replica is deleted only after the reader record stopped naming it (Terraform
              // updates a create-before-destroy resource's dependents before destroying it).
              createBeforeDestroy: true,
            },
          },
          { shard: shard.index, replica: r },
          o.instance,
          o.replica,
        ),
      );
      replicas.push(replica);
      previous = replica;
    }
    return replicas;
  }

  /**
   * The app's two logins of one shard (lib/database-roles.ts): a generated password each, whose
   * keeper changes only when the rotation moves to that login; the logins secret the roles job
   * reads; the app secret the job fills once the database accepts the active login.
   */
  private loginsOf(spec: ResolvedSpec, suffix: string, override: Override<PasswordConfig> | undefined) {
    const generation = appCredentialGeneration(spec.database.appCredentialGeneration);
    const generated = (user: typeof APP_USER | typeof APP_USER_CLONE, pid: string) =>
      new Password(
        this,
        `${pid}${suffix}`,
        applyOverride<PasswordConfig>(
          { length: 32, special: false, keepers: { generation: String(generation.keepers[user]) } },
          override,
        ),
      );
    const appPasswords = {
      [APP_USER]: generated(APP_USER, 'app-password'),
      [APP_USER_CLONE]: generated(APP_USER_CLONE, 'app-password-clone'),
    } as Record<typeof APP_USER | typeof APP_USER_CLONE, Password>;
    const deletionProtection = spec.database.deletionProtection;
    const loginsSecret = this.secrets.add(`database-logins${suffix}`, {
      idSuffix: `-database-logins${suffix}`,
      deletionProtection,
      data: Fn.jsonencode({
        [APP_USER]: appPasswords[APP_USER].result,
        [APP_USER_CLONE]: appPasswords[APP_USER_CLONE].result,
      }),
    });
    const appSecret = this.secrets.add(`database-app${suffix}`, {
      idSuffix: `-database-app${suffix}`,
      deletionProtection,
    });
    return { appPasswords, loginsSecret, appSecret, activeUser: generation.active };
  }

  /**
   * Endpoints per shard as the environment contract wants them: the private DNS names of the
   * writer and the readers (one name, a record per replica), and the app secret's id.
   */
  get endpoints(): ShardEndpoints[] {
    return this.shards.map((s, i) => {
      const names = this.dns.hostNames[i] as { writer: string; reader: string };
      return { writer: names.writer, readers: [names.reader], secret: s.appSecret.secret.id };
    });
  }

  /** The app secrets by stable key (`database-app[-s<n>]`), for the VMs' secret-level grants. */
  get appSecretIds(): Record<string, string> {
    return Object.fromEntries(this.shards.map((s) => [`database-app${s.suffix}`, s.appSecret.secret.id]));
  }
}

/** Instance names of one shard's replicas, replica order. */
function shardReplicaNames(spec: ResolvedSpec, shard: ShardPlan): string[] {
  return Array.from({ length: shard.readReplicas }, (_, i) =>
    spec.names.of('gcpSql', replicaSuffix(shard.index, i + 1)),
  );
}

/** Settings every primary and replica shares: edition, disk, private IP with TLS, flags, insights. */
function commonSettings(spec: ResolvedSpec, network: GcpNetworkRef): Omit<SqlDatabaseInstanceSettings, 'tier'> {
  return {
    edition: 'ENTERPRISE',
    diskType: 'PD_SSD',
    diskAutoresize: true,
    diskAutoresizeLimit: 0,
    ipConfiguration: {
      ipv4Enabled: false,
      privateNetwork: network.vpcId,
      allocatedIpRange: network.servicesRangeName,
      // TLS on every connection, password authentication; client certificates would have to be
      // distributed to every VM and rotated, which TLS + Secret Manager already covers.
      sslMode: 'ENCRYPTED_ONLY',
    },
    databaseFlags: Object.entries(DATABASE_FLAGS).map(([name, value]) => ({ name, value })),
    insightsConfig: {
      queryInsightsEnabled: true,
      queryStringLength: 1024,
      recordApplicationTags: true,
      recordClientAddress: false,
    },
    userLabels: { ...spec.tags },
  };
}

/**
 * Refuses at plan a spec that drops a deletion-protected shard. Removing a shard's resources from
 * the configuration also removes their `prevent_destroy`, and Terraform would delete the shard's
 * replicas before Cloud SQL refuses to delete the primary: the apply fails halfway. This reads the
 * region's instances at plan time and fails (postcondition) when a primary of this stack exists
 * that the configuration no longer has.
 */
function shardRemovalGuard(
  scope: Construct,
  spec: ResolvedSpec,
  primaryNames: readonly string[],
): DataGoogleSqlDatabaseInstances {
  const base = spec.names.of('gcpSql');
  const dropped = droppedNames('self.instances', `^${base}(-s[0-9]+)?$`, primaryNames);
  return new DataGoogleSqlDatabaseInstances(scope, 'shard-guard', {
    region: spec.regions.gcp,
    lifecycle: {
      postcondition: [
        {
          condition: `\${length(${dropped}) == 0}`,
          errorMessage: `database.shards: the spec drops shard primaries \${join(", ", sort(${dropped}))} that have deletion protection; Terraform would delete their read replicas and then fail on the primary. To remove a shard: move its keys to other shards, apply once with database.deletionProtection: false (prod: with database.allowUnsafeProd: true), then lower database.shards (Cloud SQL keeps the removed primary's backups), then turn deletionProtection back on (docs/gcp.md).`,
        },
      ],
    },
  });
}

/** random_password needs its provider; add one to the stack unless it already has it. */
export function ensureRandomProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  const has = stack.node.findAll().some((c) => c instanceof RandomProvider);
  if (!has) new RandomProvider(stack, 'random');
}
