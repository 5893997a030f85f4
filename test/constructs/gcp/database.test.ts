import {
  cloudSqlDefaultMaxConnections,
  DATABASE_FLAGS,
  GcpDatabase,
  type GcpDatabaseProps,
} from '../../../constructs/gcp/database';
import { GcpNetwork } from '../../../constructs/gcp/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, resources, synth } from './helpers';

const instances = (tf: Json) => resources(tf, 'google_sql_database_instance');
const primaries = (tf: Json) => instances(tf).filter((i) => !i.master_instance_name);
const replicas = (tf: Json) => instances(tf).filter((i) => i.master_instance_name);

function database(spec: ResolvedSpec, props: Partial<GcpDatabaseProps> = {}): Json {
  return synth((scope) => {
    const network = new GcpNetwork(scope, 'network', { spec });
    new GcpDatabase(scope, 'database', { spec, network, ...props });
  });
}

describe('GcpDatabase', () => {
  describe('GIVEN the prod preset', () => {
    const tf = database(resolved('prod'));

    it('WHEN synthesized THEN one REGIONAL PostgreSQL 16 primary on the size table tier, ENTERPRISE edition', () => {
      const [primary] = primaries(tf);
      expect(primaries(tf)).toHaveLength(1);
      expect(primary.name).toBe('shop-api-prd-pg');
      expect(primary.database_version).toBe('POSTGRES_16');
      expect(primary.settings.tier).toBe('db-custom-2-13312');
      expect(primary.settings.edition).toBe('ENTERPRISE');
      expect(primary.settings.availability_type).toBe('REGIONAL');
      expect(primary.settings.disk_type).toBe('PD_SSD');
      expect(primary.settings.disk_size).toBe(100);
      expect(primary.settings.disk_autoresize).toBe(true);
      expect(primary.lifecycle.ignore_changes).toEqual(['settings[0].disk_size']);
    });

    it('WHEN synthesized THEN the primary has a private IP only and requires TLS', () => {
      const ip = primaries(tf)[0].settings.ip_configuration;
      expect(ip.ipv4_enabled).toBe(false);
      expect(ip.ssl_mode).toBe('ENCRYPTED_ONLY');
      expect(ip.private_network).toMatch(/google_compute_network\.network_vpc_/);
      expect(ip.allocated_ip_range).toMatch(/google_compute_global_address\.network_services-range_/);
      expect(ip.authorized_networks).toBeUndefined();
      expect(primaries(tf)[0].depends_on).toEqual([
        expect.stringMatching(/^google_service_networking_connection\.network_services-connection_/),
      ]);
    });

    it('WHEN synthesized THEN backups with PITR keep 14 backups and 7 days of logs', () => {
      expect(primaries(tf)[0].settings.backup_configuration).toEqual({
        enabled: true,
        start_time: '02:00',
        point_in_time_recovery_enabled: true,
        transaction_log_retention_days: 7,
        backup_retention_settings: { retained_backups: 14, retention_unit: 'COUNT' },
      });
    });

    it('WHEN synthesized THEN deletion protection is on in Terraform and in the API', () => {
      const [primary] = primaries(tf);
      expect(primary.deletion_protection).toBe(true);
      expect(primary.settings.deletion_protection_enabled).toBe(true);
    });

    it('WHEN synthesized THEN Query Insights and the logging flags are on every instance', () => {
      const flags = Object.entries(DATABASE_FLAGS).map(([name, value]) => ({ name, value }));
      expect(flags.map((f) => f.name)).toEqual(
        expect.arrayContaining([
          'log_min_duration_statement',
          'log_checkpoints',
          'log_connections',
          'log_disconnections',
          'log_lock_waits',
          'log_temp_files',
        ]),
      );
      for (const instance of instances(tf)) {
        expect(instance.settings.database_flags).toEqual(flags);
        expect(instance.settings.insights_config.query_insights_enabled).toBe(true);
      }
    });

    it('WHEN synthesized THEN two replicas follow the primary, never as failover targets, without maintenance windows', () => {
      expect(replicas(tf).map((r) => r.name)).toEqual(['shop-api-prd-pg-r1', 'shop-api-prd-pg-r2']);
      for (const replica of replicas(tf)) {
        expect(replica.master_instance_name).toMatch(/google_sql_database_instance\.database_primary_[0-9A-F]+\.name/);
        expect(replica.replica_configuration).toEqual({ failover_target: false });
        expect(replica.settings.maintenance_window).toBeUndefined();
        expect(replica.settings.backup_configuration).toEqual({ enabled: false });
        expect(replica.settings.ip_configuration.ipv4_enabled).toBe(false);
        expect(replica.deletion_protection).toBe(false);
      }
      expect(primaries(tf)[0].settings.maintenance_window).toEqual({ day: 7, hour: 4, update_track: 'stable' });
    });

    it('WHEN synthesized THEN replicas stay removable: neither the Terraform nor the API deletion protection', () => {
      expect(primaries(tf)[0]).toMatchObject({
        deletion_protection: true,
        settings: { deletion_protection_enabled: true },
      });
      for (const replica of replicas(tf)) {
        expect(replica.deletion_protection).toBe(false);
        expect(replica.settings.deletion_protection_enabled).toBeUndefined();
      }
    });

    it("WHEN synthesized THEN a replica starts from the primary's current disk size, never a smaller one", () => {
      for (const replica of replicas(tf)) {
        // Autoresize may have grown the primary past storageGiB before this replica is added.
        expect(replica.settings.disk_size).toMatch(
          /^\$\{google_sql_database_instance\.database_primary_[0-9A-F]+\.settings\[0\]\.disk_size\}$/,
        );
        expect(replica.lifecycle.ignore_changes).toEqual(['settings[0].disk_size']);
      }
    });

    it('WHEN synthesized THEN replicas are created one after another, after the user', () => {
      const ids = Object.keys(tf.resource.google_sql_database_instance);
      const r1 = ids.find((id) => id.startsWith('database_replica-r1_'));
      const r2 =
        tf.resource.google_sql_database_instance[ids.find((id) => id.startsWith('database_replica-r2_')) ?? ''];
      expect(r2.depends_on).toEqual([`google_sql_database_instance.${r1}`]);
      const first = tf.resource.google_sql_database_instance[r1 ?? ''];
      expect(first.depends_on).toEqual([expect.stringMatching(/^google_sql_user\.database_admin_/)]);
    });

    it('WHEN synthesized THEN the app database and admin user are abandoned, never dropped, by Terraform', () => {
      const [db] = resources(tf, 'google_sql_database');
      expect(db.name).toBe('app');
      expect(db.deletion_policy).toBe('ABANDON');
      const [user] = resources(tf, 'google_sql_user');
      expect(user.name).toBe('app_admin');
      expect(user.deletion_policy).toBe('ABANDON');
      expect(user.password).toMatch(/^\$\{random_password\.database_password_[0-9A-F]+\.result\}$/);
      expect(resources(tf, 'random_password')[0]).toMatchObject({ length: 32, special: false });
    });

    it('WHEN synthesized THEN the password goes to Secret Manager as JSON with the private host', () => {
      const [secret] = resources(tf, 'google_secret_manager_secret');
      expect(secret.secret_id).toBe('shop-api-prd-database');
      expect(secret.deletion_protection).toBe(true);
      const [version] = resources(tf, 'google_secret_manager_secret_version');
      expect(version.secret_data).toMatch(/^\$\{jsonencode\(/);
      expect(version.secret_data).toContain('google_sql_database_instance.database_primary_');
      expect(version.secret_data).toContain('private_ip_address');
      expect(version.secret_data).toContain('random_password.database_password_');
    });

    it('WHEN synthesized THEN the random provider the password needs is configured', () => {
      expect(tf.provider.random).toBeDefined();
    });
  });

  it('GIVEN the dev preset WHEN synthesized THEN ZONAL, no replicas, no deletion protection', () => {
    const tf = database(resolved('dev'));
    const [primary] = primaries(tf);
    expect(replicas(tf)).toHaveLength(0);
    expect(primary.settings.availability_type).toBe('ZONAL');
    expect(primary.deletion_protection).toBe(false);
    expect(primary.settings.deletion_protection_enabled).toBe(false);
    expect(primary.settings.tier).toBe('db-custom-2-4096');
  });

  it('GIVEN 3 days of backups WHEN synthesized THEN transaction logs are kept 3 days, not 7', () => {
    const tf = database(resolved('dev', { database: { backupRetentionDays: 3 } }));
    expect(primaries(tf)[0].settings.backup_configuration).toMatchObject({
      transaction_log_retention_days: 3,
      backup_retention_settings: { retained_backups: 3, retention_unit: 'COUNT' },
    });
  });

  it('GIVEN 3 shards of 1 replica WHEN synthesized THEN names and addresses carry shard / replica suffixes, shard 0 none', () => {
    const tf = database(resolved('prod', { database: { shards: 3, readReplicas: 1, engineVersion: '15' } }));
    // Testing.synth sorts resources by address.
    expect(
      primaries(tf)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['shop-api-prd-pg', 'shop-api-prd-pg-s1', 'shop-api-prd-pg-s2']);
    expect(
      replicas(tf)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['shop-api-prd-pg-r1', 'shop-api-prd-pg-s1-r1', 'shop-api-prd-pg-s2-r1']);
    const ids = Object.keys(tf.resource.google_sql_database_instance).map((id) => id.replace(/_[0-9A-F]{8}$/, ''));
    expect(ids.sort()).toEqual([
      'database_primary',
      'database_primary-s1',
      'database_primary-s2',
      'database_replica-r1',
      'database_replica-s1-r1',
      'database_replica-s2-r1',
    ]);
    expect(
      resources(tf, 'google_secret_manager_secret')
        .map((s) => s.secret_id)
        .sort(),
    ).toEqual(['shop-api-prd-database', 'shop-api-prd-database-s1', 'shop-api-prd-database-s2']);
    for (const p of primaries(tf)) expect(p.database_version).toBe('POSTGRES_15');
  });

  it('GIVEN 3 shards WHEN endpoints are read THEN one entry per shard with its replicas', () => {
    synth((scope) => {
      const spec = resolved('prod', { database: { shards: 3, readReplicas: 2 } });
      const db = new GcpDatabase(scope, 'database', { spec, network: new GcpNetwork(scope, 'network', { spec }) });
      expect(db.endpoints).toHaveLength(3);
      for (const e of db.endpoints) expect(e.readers).toHaveLength(2);
      expect(db.primaryNames).toEqual(['shop-api-prd-pg', 'shop-api-prd-pg-s1', 'shop-api-prd-pg-s2']);
      expect(db.replicaNames).toHaveLength(6);
    });
  });

  it('GIVEN overrides WHEN synthesized THEN they apply to primaries and replicas', () => {
    const tf = database(resolved('prod'), {
      overrides: {
        primary: (p) => ({ ...p, settings: { ...p.settings, tier: 'db-custom-4-26624' } }),
        replica: (p) => ({ ...p, settings: { ...p.settings, tier: 'db-custom-1-3840' } }),
      },
    });
    expect(primaries(tf)[0].settings.tier).toBe('db-custom-4-26624');
    for (const r of replicas(tf)) expect(r.settings.tier).toBe('db-custom-1-3840');
  });

  it.each([
    [4, 100],
    [13, 400],
    [26, 500],
    [52, 600],
    [6.5, 200],
    [128, 1000],
    [1, 25],
    [0, 100],
  ])('GIVEN %s GiB WHEN asked for the default max_connections THEN %s', (memory, expected) => {
    expect(cloudSqlDefaultMaxConnections(memory)).toBe(expected);
  });
});
