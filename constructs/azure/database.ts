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
import { Password, type PasswordConfig } from '@cdktf/provider-random/lib/password';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { ShardEndpoints } from '../../lib/contract';
import { replicaSuffix } from '../../lib/naming';
import { SLOW_QUERY_MS, WINDOWS } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec, ShardPlan } from '../../lib/resolve';
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
 * Default `max_connections` of Flexible Server by memory (GiB) of the SKU
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-limits). The
 * connections alarm needs a count, so it takes a share of this.
 */
export const MAX_CONNECTIONS_BY_MEMORY_GIB: Readonly<Record<number, number>> = {
  2: 429,
  4: 429,
  8: 859,
  16: 1719,
  32: 3438,
  64: 5000,
  128: 5000,
};

/** Default max_connections of a SKU with `memoryGiB` of memory (the nearest lower table row). */
export function maxConnections(memoryGiB: number): number {
  const rows = Object.keys(MAX_CONNECTIONS_BY_MEMORY_GIB)
    .map(Number)
    .sort((a, b) => a - b);
  const row = rows.filter((m) => m <= memoryGiB).at(-1) ?? rows[0];
  return MAX_CONNECTIONS_BY_MEMORY_GIB[row as number] as number;
}

/** Server parameters every primary gets: query statistics, Query Store, slow-query logging. */
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
  };
}

/** Read replicas: Query Store does not run on replicas; slow-query logging and the pooler do. */
export function replicaParameters(pooling: boolean): Record<string, string> {
  return {
    log_min_duration_statement: String(SLOW_QUERY_MS),
    ...(pooling ? { 'pgbouncer.enabled': 'true' } : {}),
  };
}

/** One shard: a primary, its `app` database, its replicas, and its credentials. */
export interface AzureDatabaseShard {
  readonly plan: ShardPlan;
  readonly password: Password;
  readonly server: PostgresqlFlexibleServer;
  readonly database: PostgresqlFlexibleServerDatabase;
  /** Server parameters of the primary, by name. */
  readonly configurations: Readonly<Record<string, PostgresqlFlexibleServerConfiguration>>;
  /** Replica r+1 at index r; replica ids never move when more are added. */
  readonly replicas: readonly PostgresqlFlexibleServer[];
  /** JSON credentials (engine, host, port, username, password, dbname) in Key Vault. */
  readonly secret: KeyVaultSecret;
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
    readonly server?: Override<PostgresqlFlexibleServerConfig>;
    readonly replica?: Override<PostgresqlFlexibleServerConfig>;
    readonly database?: Override<PostgresqlFlexibleServerDatabaseConfig>;
    readonly password?: Override<PasswordConfig>;
  };
}

/**
 * PostgreSQL Flexible Server per shard: private access only (delegated subnet + private DNS),
 * zone-redundant HA, backups (geo-redundant in prod), pg_stat_statements + Query Store +
 * slow-query log, PgBouncer when pooling, `readReplicas` replicas, the admin password generated
 * and kept in Key Vault. Shard 0 uses the ids of an unsharded database (`Server`, `Database`),
 * shard n adds `-s<n>`; replica r of shard n is `Replica-s<n>-r<r>`.
 */
export class AzureDatabase extends Construct {
  public readonly shards: readonly AzureDatabaseShard[];

  constructor(scope: Construct, id: string, props: AzureDatabaseProps) {
    super(scope, id);
    const { spec, network, secrets } = props;
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
      version: db.engineVersion,
      skuName: db.instanceType.azure.type,
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

    this.shards = db.shards.map((plan) => {
      const sfx = plan.suffix;
      const password = new Password(
        this,
        `Password${sfx}`,
        applyOverride(
          // Alphanumeric only: safe in URLs and connection strings, 40 characters is ~238 bits.
          { length: 40, special: false, minLower: 2, minUpper: 2, minNumeric: 2 },
          o.password,
        ),
      );
      const server = new PostgresqlFlexibleServer(
        this,
        `Server${sfx}`,
        applyOverride<PostgresqlFlexibleServerConfig>(
          {
            ...common,
            name: spec.names.of('azurePostgres', sfx),
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
      const replicas = Array.from({ length: plan.readReplicas }, (_, i) => {
        const rsfx = replicaSuffix(plan.index, i + 1);
        const replica = new PostgresqlFlexibleServer(
          this,
          `Replica${rsfx}`,
          applyOverride<PostgresqlFlexibleServerConfig>(
            {
              ...common,
              name: spec.names.of('azurePostgres', rsfx),
              createMode: 'Replica',
              sourceServerId: server.id,
              // The primary's size as Azure reports it, not the spec's: after auto-grow a replica
              // added later must not start smaller than the data it replicates.
              storageMb: server.storageMb,
              // Replicas spread over the zones after the primary's.
              zone: zones[(i + 1) % zones.length],
              // No prevent_destroy: a replica holds no data of its own, and lowering readReplicas
              // must plan a removal (as Aurora readers and Cloud SQL replicas allow).
              lifecycle: { ignoreChanges: ['storage_mb', 'zone'] },
            },
            o.replica,
          ),
        );
        this.parameters(`ReplicaConfig${rsfx}`, replica, replicaParameters(db.connectionPooling));
        return replica;
      });
      const secret = secrets.addSecret(
        `Database${sfx}`,
        `-database${sfx}`,
        Fn.jsonencode({
          engine: 'postgres',
          host: server.fqdn,
          // With PgBouncer on, clients should connect to the pooler on the same host.
          port,
          directPort: db.port,
          username: db.adminUser,
          password: password.result,
          dbname: db.databaseName,
        }),
        'application/json',
      );
      return { plan, password, server, database, configurations, replicas, secret };
    });
  }

  /** Endpoints per shard, in the shape lib/contract.ts turns into the environment contract. */
  public endpoints(): ShardEndpoints[] {
    return this.shards.map((s) => ({
      writer: s.server.fqdn,
      readers: s.replicas.map((r) => r.fqdn),
      secret: s.secret.versionlessId,
    }));
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
