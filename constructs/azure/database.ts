import type { ContainerGroup, ContainerGroupConfig } from '@cdktf/provider-azurerm/lib/container-group';
import { DataAzurermPostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/data-azurerm-postgresql-flexible-server';
import { DataAzurermResources } from '@cdktf/provider-azurerm/lib/data-azurerm-resources';
import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import {
  PostgresqlFlexibleServer,
  type PostgresqlFlexibleServerConfig,
} from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PostgresqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-configuration';
import {
  PostgresqlFlexibleServerDatabase,
  type PostgresqlFlexibleServerDatabaseConfig,
} from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-database';
import type { PrivateDnsCnameRecord } from '@cdktf/provider-azurerm/lib/private-dns-cname-record';
import { Password, type PasswordConfig } from '@cdktf/provider-random/lib/password';
import { Fn, Op, TerraformSelf, Token } from 'cdktf';
import { Construct } from 'constructs';
import { defaultMaxConnections } from '../../lib/assumptions';
import type { ShardEndpoints } from '../../lib/contract';
import { APP_USER, APP_USER_CLONE, appCredentialGeneration } from '../../lib/database-roles';
import { shardHostNames } from '../../lib/endpoints';
import { replicaSuffix } from '../../lib/naming';
import { DATABASE_AUDIT, SLOW_QUERY_MS, WINDOWS } from '../../lib/operations';
import {
  applyInstanceOverrides,
  applyOverride,
  type DatabaseInstanceContext,
  type InstanceOverride,
  type Override,
} from '../../lib/override';
import type { ResolvedSpec, ShardPlan } from '../../lib/resolve';
import { azurePostgresSkuAtLeast } from '../../lib/sizes';
import { droppedNames } from '../../lib/terraform-text';
import { databaseRolesJob } from './database-roles';
import { databaseRecords, readerHostName } from './endpoints';
import { type AzureNetwork, PGBOUNCER_PORT, zoneIds } from './network';
import type { AzureSecrets } from './secrets';

/**
 * Storage sizes Flexible Server accepts (MiB): storage is provisioned in these tiers only
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage). A spec size
 * is rounded up to the next tier.
 */
export const POSTGRES_STORAGE_TIERS_MB = [
  32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408,
] as const;

/** The smallest storage tier that holds `gib` GiB. */
export function storageMb(gib: number): number {
  const wanted = gib * 1024;
  const tier = POSTGRES_STORAGE_TIERS_MB.find((t) => t >= wanted);
  if (tier === undefined) {
    throw new Error(
      `storageGiB ${gib} exceeds the largest Flexible Server storage (${POSTGRES_STORAGE_TIERS_MB.at(-1)} MiB)`,
    );
  }
  return tier;
}

/**
 * Default `max_connections` of Flexible Server by SKU memory (GiB), read from the core's table.
 * @deprecated use `defaultMaxConnections('azure', memoryGiB)` from the core; kept for the package's callers.
 */
export const MAX_CONNECTIONS_BY_MEMORY_GIB: Readonly<Record<number, number>> = Object.fromEntries(
  [2, 4, 8, 16, 32, 64, 128].map((gib) => [gib, defaultMaxConnections('azure', gib)]),
);

/**
 * Default max_connections of a SKU with `memoryGiB` of memory.
 * @deprecated use `defaultMaxConnections('azure', memoryGiB)` from the core; kept for the package's callers.
 */
export const maxConnections = (memoryGiB: number): number => defaultMaxConnections('azure', memoryGiB);

/**
 * lib's DATABASE_AUDIT as Flexible Server parameters: every one of them is a dynamic server
 * parameter there (Microsoft, Flexible Server "Server parameters": log_checkpoints,
 * log_connections, log_disconnections, log_lock_waits, log_statement, log_temp_files,
 * connection_throttle.enable), on primaries and replicas alike.
 */
export function auditParameters(): Record<string, string> {
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  return {
    log_connections: onOff(DATABASE_AUDIT.logConnections),
    log_disconnections: onOff(DATABASE_AUDIT.logDisconnections),
    log_checkpoints: onOff(DATABASE_AUDIT.logCheckpoints),
    log_lock_waits: onOff(DATABASE_AUDIT.logLockWaits),
    log_temp_files: String(DATABASE_AUDIT.logTempFilesKiB),
    log_statement: DATABASE_AUDIT.logStatement,
    'connection_throttle.enable': onOff(DATABASE_AUDIT.connectionThrottling),
  };
}

/** Server parameters every primary gets: query statistics, Query Store, slow-query logging, audit logging. */
export function primaryParameters(pooling: boolean): Record<string, string> {
  return {
    // pg_stat_statements must be allow-listed before CREATE EXTENSION and preloaded to collect.
    'azure.extensions': 'PG_STAT_STATEMENTS',
    shared_preload_libraries: 'pg_stat_statements',
    // Query Store (Azure's query insights): top-level statements and wait statistics.
    'pg_qs.query_capture_mode': 'top',
    'pgms_wait_sampling.query_capture_mode': 'all',
    track_io_timing: 'on',
    log_min_duration_statement: String(SLOW_QUERY_MS),
    ...(pooling ? { 'pgbouncer.enabled': 'true' } : {}),
    ...auditParameters(),
  };
}

/** Read replicas: Query Store does not run on replicas; slow-query logging, the pooler and audit logging do. */
export function replicaParameters(pooling: boolean): Record<string, string> {
  return {
    log_min_duration_statement: String(SLOW_QUERY_MS),
    ...(pooling ? { 'pgbouncer.enabled': 'true' } : {}),
    ...auditParameters(),
  };
}

/** One shard: a primary, its `app` database, its replicas, its stable names and its credentials. */
export interface AzureDatabaseShard {
  readonly plan: ShardPlan;
  readonly password: Password;
  readonly server: PostgresqlFlexibleServer;
  readonly database: PostgresqlFlexibleServerDatabase;
  /** Server parameters of the primary, by name. */
  readonly configurations: Readonly<Record<string, PostgresqlFlexibleServerConfiguration>>;
  /** Replica r+1 at index r; replica ids never move when more are added. */
  readonly replicas: readonly PostgresqlFlexibleServer[];
  /** Admin JSON credentials (engine, host, port, username, password, dbname) in Key Vault: for operators and migrations. */
  readonly secret: KeyVaultSecret;
  /** Passwords of the two app logins (lib/database-roles.ts), by user. */
  readonly appPasswords: Readonly<Record<typeof APP_USER | typeof APP_USER_CLONE, Password>>;
  /** The app's JSON credentials (the active login of the rotation generation): what the VMs read. */
  readonly appSecret: KeyVaultSecret;
  /** `writer<sfx>` → the primary. */
  readonly writerRecord: PrivateDnsCnameRecord;
  /** `reader<sfx>-1..READER_SLOTS` → a replica each (see `readerTarget`). */
  readonly readerRecords: readonly PrivateDnsCnameRecord[];
}

export interface AzureDatabaseProps {
  /** The resolved spec (`spec.database`). */
  readonly spec: ResolvedSpec;
  /** Network with the delegated subnet and the PostgreSQL private DNS zone. */
  readonly network: AzureNetwork;
  /** Key Vault that keeps each shard's credentials. */
  readonly secrets: AzureSecrets;
  /** Per-resource overrides, applied last (to every shard). @default none */
  readonly overrides?: {
    /**
     * Every server, primaries and replicas alike, before the role's own hook; `instance` says
     * which one (`replica` absent for a primary).
     */
    readonly instance?: InstanceOverride<PostgresqlFlexibleServerConfig, DatabaseInstanceContext>;
    /** Each primary, after `instance`; `instance.shard` says which. */
    readonly server?: InstanceOverride<PostgresqlFlexibleServerConfig, DatabaseInstanceContext>;
    /** Each read replica, after `instance`; `instance.shard` and `instance.replica` (1-based) say which. */
    readonly replica?: InstanceOverride<PostgresqlFlexibleServerConfig, DatabaseInstanceContext>;
    readonly database?: Override<PostgresqlFlexibleServerDatabaseConfig>;
    readonly password?: Override<PasswordConfig>;
    readonly bootstrap?: Override<ContainerGroupConfig>;
  };
}

/**
 * PostgreSQL Flexible Server per shard: private access only (delegated subnet + private DNS),
 * zone-redundant HA, backups (geo-redundant in prod), pg_stat_statements + Query Store +
 * slow-query log + audit logging, PgBouncer when pooling, `readReplicas` replicas of
 * `replicaSize`, stable writer / reader names in the `db.` private zone, the admin password
 * generated and kept in Key Vault, and the app's least-privilege login (lib/database-roles.ts)
 * created by a one-shot container job inside the VNet. Shard 0 uses the ids of an unsharded
 * database (`Server`, `Database`), shard n adds `-s<n>`; replica r of shard n is
 * `Replica-s<n>-r<r>`.
 */
export class AzureDatabase extends Construct {
  public readonly shards: readonly AzureDatabaseShard[];
  /** The container group that runs lib's app-role script against every primary (restart policy Never). */
  public readonly bootstrap: ContainerGroup;
  /**
   * The Flexible Servers deployed now, read at plan (with deletion protection or replicas): its
   * postcondition refuses a spec that drops a protected shard (see `databaseGuards`).
   */
  public readonly deployed?: DataAzurermResources;
  /** Per configured replica, its deployed SKU (read only when it exists): refuses a primary larger than it. */
  public readonly replicaSizeGuards: readonly DataAzurermPostgresqlFlexibleServer[];
  private readonly spec: ResolvedSpec;

  constructor(scope: Construct, id: string, props: AzureDatabaseProps) {
    super(scope, id);
    const { spec, network, secrets } = props;
    this.spec = spec;
    const db = spec.database;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const { resourceGroupName, location } = network.where;
    const zones = zoneIds(spec.network.zones);
    const storage = storageMb(db.storageGiB);
    const port = db.connectionPooling ? PGBOUNCER_PORT : db.port;
    // Failover swaps primary and standby zones; Terraform must not try to move them back.
    // Auto-grow raises storage_mb past the spec, and the provider REPLACES a server whose
    // storage_mb would shrink: storage is the spec's size at creation, then Azure's.
    const drift = ['storage_mb', 'zone', 'high_availability[0].standby_availability_zone'];
    const protect = db.deletionProtection;

    const common = {
      resourceGroupName,
      location,
      storageMb: storage,
      // Storage grows before it fills up (see `drift`).
      autoGrowEnabled: true,
      delegatedSubnetId: network.databaseSubnet.id,
      privateDnsZoneId: network.postgresDnsZone.id,
      publicNetworkAccessEnabled: false,
      tags,
      // The zone must be linked to the VNet before a server can register in it.
      dependsOn: [network.postgresDnsZoneLink],
    };
    const credentials = (host: string, username: string, password: string) =>
      Fn.jsonencode({
        engine: 'postgres',
        host,
        // With PgBouncer on, clients should connect to the pooler on the same host.
        port,
        directPort: db.port,
        username,
        password,
        dbname: db.databaseName,
      });

    const generation = appCredentialGeneration(db.appCredentialGeneration);
    const shards = db.shards.map((plan) => {
      const sfx = plan.suffix;
      const password = this.password(`Password${sfx}`, {}, o.password);
      const server = new PostgresqlFlexibleServer(
        this,
        `Server${sfx}`,
        applyInstanceOverrides<PostgresqlFlexibleServerConfig, DatabaseInstanceContext>(
          {
            ...common,
            name: spec.names.of('azurePostgres', sfx),
            // Up is an in-place upgrade in azurerm 4.55 (irreversible, the server is offline while
            // it runs); down forces a new server, which prevent_destroy refuses in prod.
            version: db.engineVersion,
            skuName: db.instanceType.azure.type,
            administratorLogin: db.adminUser,
            administratorPassword: password.result,
            authentication: { passwordAuthEnabled: true, activeDirectoryAuthEnabled: false },
            backupRetentionDays: db.backupRetentionDays,
            // Geo-redundant backups can only be chosen at creation; prod pays for them.
            geoRedundantBackupEnabled: spec.isProd,
            zone: zones[0],
            ...(db.highAvailability
              ? { highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: zones[1] ?? '2' } }
              : {}),
            // The shared low-traffic window instead of a random one.
            maintenanceWindow: { dayOfWeek: WINDOWS.database.day, startHour: WINDOWS.database.hour, startMinute: 0 },
            lifecycle: { ignoreChanges: drift, preventDestroy: protect },
          },
          { shard: plan.index },
          o.instance,
          o.server,
        ),
      );
      const database = new PostgresqlFlexibleServerDatabase(
        this,
        `Database${sfx}`,
        applyOverride(
          {
            name: db.databaseName,
            serverId: server.id,
            charset: 'UTF8',
            collation: 'en_US.utf8',
            lifecycle: { preventDestroy: protect },
          },
          o.database,
        ),
      );
      const configurations = this.parameters(`Config${sfx}`, server, primaryParameters(db.connectionPooling));
      const replicas = Array.from({ length: plan.readReplicas }, (_, i) =>
        this.replica(plan, i, server, { ...common, zone: zones[(i + 1) % zones.length] as string }, o),
      );
      const secret = secrets.addSecret(
        `Database${sfx}`,
        `-database${sfx}`,
        credentials(server.fqdn, db.adminUser, password.result),
        'application/json',
      );
      const appPasswords = {
        [APP_USER]: this.password(`AppPassword${sfx}`, { rotation: String(generation.keepers[APP_USER]) }, o.password),
        [APP_USER_CLONE]: this.password(
          `AppClonePassword${sfx}`,
          { rotation: String(generation.keepers[APP_USER_CLONE]) },
          o.password,
        ),
      };
      const { writerRecord, readerRecords } = databaseRecords(this, this.spec, plan, server, replicas, network);
      return {
        plan,
        password,
        server,
        database,
        configurations,
        replicas,
        secret,
        appPasswords,
        writerRecord,
        readerRecords,
      };
    });
    this.bootstrap = databaseRolesJob(this, this.spec, shards, network, o.bootstrap);
    // The secret names a login only once the job that creates it has started.
    this.shards = shards.map((s) => ({
      ...s,
      appSecret: secrets.addSecret(
        `DatabaseApp${s.plan.suffix}`,
        `-database-app${s.plan.suffix}`,
        credentials(s.server.fqdn, generation.active, s.appPasswords[generation.active].result),
        'application/json',
        [this.bootstrap],
      ),
    }));
    const guards = this.databaseGuards(network);
    if (guards.deployed) this.deployed = guards.deployed;
    this.replicaSizeGuards = guards.replicaSizeGuards;
  }

  /**
   * Plan-time refusals of two changes Terraform would otherwise start and fail halfway. Both read
   * what is deployed: `azurerm_resources` lists the subscription's Flexible Servers (the
   * resource group's when the stack is given one: it exists before the first plan). The stack's
   * own resource group does not exist before the first deploy, and listing a missing group is an
   * error (provider: ListByResourceGroup), so that read is subscription-wide and filtered by name
   * (server names are globally unique). Its arguments are constants, so Terraform reads it while
   * it plans, every time, and what it returns decides which replicas are read next.
   * - Deletion protection: a shard removed from the configuration takes its prevent_destroy with
   *   it, so lowering database.shards would delete the shard's server and data. A deployed
   *   primary of this stack missing from the configuration fails the plan instead.
   * - Replicas: Terraform updates a primary before its replicas, and Azure refuses a primary
   *   larger than a replica. Each replica that is deployed is read (count 1, else 0) and fails the
   *   plan when its current SKU is below the primary's new one.
   */
  private databaseGuards(network: AzureNetwork): {
    deployed?: DataAzurermResources;
    replicaSizeGuards: DataAzurermPostgresqlFlexibleServer[];
  } {
    const db = this.spec.database;
    const withReplicas = this.shards.filter((s) => s.replicas.length > 0);
    if (!db.deletionProtection && withReplicas.length === 0) return { replicaSizeGuards: [] };
    const base = this.spec.names.of('azurePostgres');
    const primaryNames = this.shards.map((s) => this.spec.names.of('azurePostgres', s.plan.suffix));
    const dropped = droppedNames('self.resources', `^${base}(-s[0-9]+)?$`, primaryNames);
    const deployed = new DataAzurermResources(this, 'DeployedServers', {
      type: 'Microsoft.DBforPostgreSQL/flexibleServers',
      ...(network.resourceGroup ? {} : { resourceGroupName: network.where.resourceGroupName }),
      ...(db.deletionProtection
        ? {
            lifecycle: {
              postcondition: [
                {
                  condition: `\${length(${dropped}) == 0}`,
                  errorMessage: `database.shards: the spec drops shard primaries \${join(", ", sort(${dropped}))} that have deletion protection; their prevent_destroy goes with them, so Terraform would delete the servers and their data. To remove a shard: move its keys to other shards, apply once with database.deletionProtection: false (prod: with database.allowUnsafeProd: true), then lower database.shards (Azure keeps a dropped server's backup for five days: docs/azure.md), then turn deletionProtection back on (docs/azure.md, "Removing a shard").`,
                },
              ],
            },
          }
        : {}),
    });
    const replicaSizeGuards = withReplicas.flatMap((s) =>
      s.replicas.map((_, i) => this.replicaSizeGuard(s, i, deployed, network)),
    );
    return { deployed, replicaSizeGuards };
  }

  /**
   * Replica `i` of `shard` as deployed (read only when `deployed` lists it): fails the plan when
   * smaller than the primary's new SKU. Its arguments and condition are literals: a reference to
   * a resource with a pending change (the primary, the resource group) defers the read, and the
   * check, to the apply (terraform 1.11, checked with `terraform test` and mocked providers).
   */
  private replicaSizeGuard(
    shard: Omit<AzureDatabaseShard, 'appSecret'>,
    i: number,
    deployed: DataAzurermResources,
    network: AzureNetwork,
  ): DataAzurermPostgresqlFlexibleServer {
    const rsfx = replicaSuffix(shard.plan.index, i + 1);
    const name = this.spec.names.of('azurePostgres', rsfx);
    const primary = shard.server.skuNameInput ?? this.spec.database.instanceType.azure.type;
    return new DataAzurermPostgresqlFlexibleServer(this, `ReplicaSizeGuard${rsfx}`, {
      count: Token.asNumber(`\${contains(${deployed.fqn}.resources[*].name, "${name}") ? 1 : 0}`),
      name,
      resourceGroupName: network.resourceGroup?.nameInput ?? network.where.resourceGroupName,
      lifecycle: {
        postcondition: [
          {
            condition: `\${${azurePostgresSkuAtLeast('self.sku_name', JSON.stringify(primary))}}`,
            errorMessage: `database.size: read replica ${name} runs \${self.sku_name} and its primary would run ${primary}; Terraform scales the primary first and Azure refuses a primary larger than its replicas, so this apply would fail halfway. Deploy twice: first database.replicaSize at least the new size (the replicas scale), then database.size (docs/azure.md, "Database").`,
          },
        ],
      },
    });
  }

  /** An alphanumeric generated password (safe in URLs and connection strings; 40 characters is ~238 bits). */
  private password(cid: string, keepers: Record<string, string>, ov?: Override<PasswordConfig>): Password {
    return new Password(
      this,
      cid,
      applyOverride(
        {
          length: 40,
          special: false,
          minLower: 2,
          minUpper: 2,
          minNumeric: 2,
          ...(Object.keys(keepers).length > 0 ? { keepers } : {}),
        },
        ov,
      ),
    );
  }

  /**
   * Replica `i` (0-based) of a shard. Its SKU is `replicaSize` (Azure requires a replica at least
   * as large as its primary; Terraform updates the primary first, so a size-up raises
   * replicaSize in one deploy and size in the next; `replicaSizeGuard` refuses one deploy at
   * plan). Its major version is the primary's as
   * Azure reports it and is never changed in place: Azure upgrades no server with replicas, so
   * a plan in which the primary's version moves away from its replicas' fails (postcondition)
   * before anything is applied, naming the runbook.
   */
  private replica(
    plan: ShardPlan,
    i: number,
    primary: PostgresqlFlexibleServer,
    common: Omit<PostgresqlFlexibleServerConfig, 'name'>,
    o: NonNullable<AzureDatabaseProps['overrides']>,
  ): PostgresqlFlexibleServer {
    const db = this.spec.database;
    const rsfx = replicaSuffix(plan.index, i + 1);
    const replica = new PostgresqlFlexibleServer(
      this,
      `Replica${rsfx}`,
      applyInstanceOverrides<PostgresqlFlexibleServerConfig, DatabaseInstanceContext>(
        {
          ...common,
          name: this.spec.names.of('azurePostgres', rsfx),
          createMode: 'Replica',
          sourceServerId: primary.id,
          skuName: db.replicaInstanceType.azure.type,
          version: primary.version,
          // The primary's size as Azure reports it, not the spec's: after auto-grow a replica
          // added later must not start smaller than the data it replicates.
          storageMb: primary.storageMb,
          // No prevent_destroy: a replica holds no data of its own, and lowering readReplicas
          // must plan a removal (as Aurora readers and Cloud SQL replicas allow).
          lifecycle: {
            ignoreChanges: ['storage_mb', 'zone', 'version'],
            postcondition: [
              {
                condition: Op.eq(TerraformSelf.getString('version'), primary.version),
                errorMessage: `Azure upgrades no PostgreSQL server that has read replicas, and a replica's major version cannot change: to move database.engineVersion, deploy with database.readReplicas: 0 first (replicas removed, reads go to the primary), then the new engineVersion (in-place upgrade of each primary), then readReplicas again (docs/azure.md, "Major version upgrade").`,
              },
            ],
          },
        },
        { shard: plan.index, replica: i + 1 },
        o.instance,
        o.replica,
      ),
    );
    this.parameters(`ReplicaConfig${rsfx}`, replica, replicaParameters(db.connectionPooling));
    return replica;
  }

  /**
   * Endpoints per shard, in the shape lib/contract.ts turns into the environment contract: the
   * stable names (lib/endpoints.ts), never a server's own name, so adding or removing a replica
   * changes DNS records and not the VMs' environment; the secret is the app's, not the admin's.
   */
  public endpoints(): ShardEndpoints[] {
    return this.shards.map((s) => {
      const hosts = shardHostNames(this.spec, s.plan);
      return {
        writer: hosts.writer,
        readers: s.readerRecords.map((_, slot) => readerHostName(hosts.reader, slot)),
        secret: s.appSecret.versionlessId,
      };
    });
  }

  /** Every server (primaries and replicas), for alarms. */
  public servers(): { id: string; server: PostgresqlFlexibleServer; replica: boolean }[] {
    return this.shards.flatMap((s) => [
      { id: `Server${s.plan.suffix}`, server: s.server, replica: false },
      ...s.replicas.map((r, i) => ({ id: `Replica${replicaSuffix(s.plan.index, i + 1)}`, server: r, replica: true })),
    ]);
  }

  /**
   * Sets server parameters one after another: Azure rejects concurrent parameter updates on
   * one server ("ServerIsBusy"), so each waits for the previous.
   */
  private parameters(
    prefix: string,
    server: PostgresqlFlexibleServer,
    values: Record<string, string>,
  ): Record<string, PostgresqlFlexibleServerConfiguration> {
    const out: Record<string, PostgresqlFlexibleServerConfiguration> = {};
    let previous: PostgresqlFlexibleServerConfiguration | undefined;
    for (const [name, value] of Object.entries(values)) {
      const config: PostgresqlFlexibleServerConfiguration = new PostgresqlFlexibleServerConfiguration(
        this,
        `${prefix}-${name}`,
        { name, value, serverId: server.id, ...(previous ? { dependsOn: [previous] } : {}) },
      );
      out[name] = config;
      previous = config;
    }
    return out;
  }
}
