import { TerraformOutput } from 'cdktf';
import {
  cloudSqlDefaultMaxConnections,
  DATABASE_FLAGS,
  GcpDatabase,
  type GcpDatabaseProps,
} from '../../../constructs/gcp/database';
import { GcpNetwork } from '../../../constructs/gcp/network';
import { DATABASE_AUDIT } from '../../../lib/operations';
import type { ResolvedSpec } from '../../../lib/resolve';
import { DATABASE_SIZES } from '../../../lib/sizes';
import { resolved } from '../../fixtures';
import { type Json, resources, synth } from './helpers';

const instances = (tf: Json) => resources(tf, 'google_sql_database_instance');
const primaries = (tf: Json) => instances(tf).filter((i) => !i.master_instance_name);
const replicas = (tf: Json) => instances(tf).filter((i) => i.master_instance_name);
const onOff = (on: boolean) => (on ? 'on' : 'off');

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

    it('WHEN synthesized THEN the admin password goes to Secret Manager as JSON with the private host', () => {
      const secret = resources(tf, 'google_secret_manager_secret').find((x) => x.secret_id === 'shop-api-prd-database');
      expect(secret.deletion_protection).toBe(true);
      const version =
        tf.resource.google_secret_manager_secret_version[
          Object.keys(tf.resource.google_secret_manager_secret_version).find((k) =>
            /secrets_database-version_/.test(k),
          ) as string
        ];
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
    ).toEqual(
      ['', '-app', '-logins', '-s1', '-app-s1', '-logins-s1', '-s2', '-app-s2', '-logins-s2']
        .map((x) => `shop-api-prd-database${x}`)
        .sort(),
    );
    for (const p of primaries(tf)) expect(p.database_version).toBe('POSTGRES_15');
  });

  it('GIVEN 3 shards WHEN endpoints are read THEN one entry per shard: its DNS names and its app secret', () => {
    const tf = synth((scope) => {
      const spec = resolved('prod', { database: { shards: 3, readReplicas: 2 } });
      const db = new GcpDatabase(scope, 'database', { spec, network: new GcpNetwork(scope, 'network', { spec }) });
      expect(db.endpoints.map((e) => [e.writer, e.readers])).toEqual([
        ['writer.db.shop-api-prd.internal', ['reader.db.shop-api-prd.internal']],
        ['writer-s1.db.shop-api-prd.internal', ['reader-s1.db.shop-api-prd.internal']],
        ['writer-s2.db.shop-api-prd.internal', ['reader-s2.db.shop-api-prd.internal']],
      ]);
      for (const [i, e] of db.endpoints.entries()) new TerraformOutput(scope, `secret-${i}`, { value: e.secret });
      expect(Object.keys(db.appSecretIds)).toEqual(['database-app', 'database-app-s1', 'database-app-s2']);
      expect(db.primaryNames).toEqual(['shop-api-prd-pg', 'shop-api-prd-pg-s1', 'shop-api-prd-pg-s2']);
      expect(db.replicaNames).toEqual([
        'shop-api-prd-pg-r1',
        'shop-api-prd-pg-r2',
        'shop-api-prd-pg-s1-r1',
        'shop-api-prd-pg-s1-r2',
        'shop-api-prd-pg-s2-r1',
        'shop-api-prd-pg-s2-r2',
      ]);
    });
    expect([0, 1, 2].map((i) => tf.output[`secret-${i}`].value)).toEqual(
      ['', '-s1', '-s2'].map((x) =>
        expect.stringMatching(
          new RegExp(`^\\$\\{google_secret_manager_secret\\.database_secrets_database-app${x}_[0-9A-F]+\\.id\\}$`),
        ),
      ),
    );
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

  describe('stable endpoints (private DNS names per role)', () => {
    const records = (tf: Json) => resources(tf, 'google_dns_record_set');
    const record = (tf: Json, name: string) => records(tf).find((r) => r.name.startsWith(`${name}.db.`));

    it('GIVEN the prod preset WHEN synthesized THEN a private zone visible only in the VPC holds a writer and a reader record', () => {
      const tf = database(resolved('prod'));
      const [zone] = resources(tf, 'google_dns_managed_zone');
      expect(zone).toMatchObject({
        name: 'shop-api-prd-db',
        dns_name: 'db.shop-api-prd.internal.',
        visibility: 'private',
      });
      expect(zone.private_visibility_config.networks).toEqual([
        { network_url: expect.stringMatching(/google_compute_network\.network_vpc_/) },
      ]);
      expect(records(tf)).toHaveLength(2);
      for (const r of records(tf))
        expect(r).toMatchObject({ type: 'A', ttl: 30, managed_zone: expect.stringContaining('database_dns_zone_') });
      expect(record(tf, 'writer').rrdatas).toEqual([
        expect.stringMatching(/database_primary_[0-9A-F]+\.private_ip_address/),
      ]);
      expect(record(tf, 'reader').rrdatas).toEqual([
        expect.stringMatching(/database_replica-r1_[0-9A-F]+\.private_ip_address/),
        expect.stringMatching(/database_replica-r2_[0-9A-F]+\.private_ip_address/),
      ]);
    });

    it('GIVEN no replicas WHEN synthesized THEN the reader record points at the primary', () => {
      const tf = database(resolved('dev'));
      expect(record(tf, 'reader').rrdatas).toEqual([
        expect.stringMatching(/database_primary_[0-9A-F]+\.private_ip_address/),
      ]);
    });

    it('GIVEN 2 shards WHEN synthesized THEN each shard has its own records, shard 0 keeps the unsuffixed addresses', () => {
      const tf = database(resolved('prod', { database: { shards: 2, readReplicas: 1 } }));
      expect(
        Object.keys(tf.resource.google_dns_record_set)
          .map((k) => k.replace(/_[0-9A-F]{8}$/, ''))
          .sort(),
      ).toEqual(['database_dns_reader', 'database_dns_reader-s1', 'database_dns_writer', 'database_dns_writer-s1']);
      expect(record(tf, 'reader-s1').rrdatas).toEqual([expect.stringMatching(/database_replica-s1-r1_/)]);
    });

    it('GIVEN replicas WHEN one is removed THEN Terraform first updates the reader record, then deletes it (create_before_destroy)', () => {
      for (const r of replicas(database(resolved('prod')))) expect(r.lifecycle.create_before_destroy).toBe(true);
    });
  });

  describe('the app is not the admin', () => {
    const passwords = (tf: Json) => tf.resource.random_password as Record<string, Json>;
    const byPrefix = (tf: Json, prefix: string) =>
      Object.entries(passwords(tf)).find(([k]) => k.startsWith(prefix))?.[1] as Json;

    it('GIVEN the prod preset WHEN synthesized THEN two app passwords whose keepers follow the rotation generation', () => {
      const tf = database(resolved('prod'));
      expect(
        Object.keys(passwords(tf))
          .map((k) => k.replace(/_[0-9A-F]{8}$/, ''))
          .sort(),
      ).toEqual(['database_app-password', 'database_app-password-clone', 'database_password']);
      expect(byPrefix(tf, 'database_app-password_')).toMatchObject({
        length: 32,
        special: false,
        keepers: { generation: '0' },
      });
      expect(byPrefix(tf, 'database_app-password-clone_').keepers).toEqual({ generation: '0' });
    });

    it.each([
      [1, 'app_user_clone', '0', '1'],
      [2, 'app_user', '1', '1'],
      [3, 'app_user_clone', '1', '2'],
    ])(
      'GIVEN generation %i WHEN synthesized THEN the active login is %s and only its password moved',
      (generation, active, user, clone) => {
        synth((scope) => {
          const spec = resolved('prod', { database: { appCredentialGeneration: generation } });
          const db = new GcpDatabase(scope, 'database', { spec, network: new GcpNetwork(scope, 'network', { spec }) });
          expect(db.shards[0]?.activeUser).toBe(active);
        });
        const tf = database(resolved('prod', { database: { appCredentialGeneration: generation } }));
        expect(byPrefix(tf, 'database_app-password_').keepers).toEqual({ generation: user });
        expect(byPrefix(tf, 'database_app-password-clone_').keepers).toEqual({ generation: clone });
      },
    );

    it('GIVEN the prod preset WHEN synthesized THEN the logins secret holds both app passwords and the app secret has no version from Terraform', () => {
      const tf = database(resolved('prod'));
      const secrets = tf.resource.google_secret_manager_secret as Record<string, Json>;
      const logins = Object.entries(secrets).find(([, v]) => v.secret_id === 'shop-api-prd-database-logins');
      const app = Object.entries(secrets).find(([, v]) => v.secret_id === 'shop-api-prd-database-app');
      expect(logins?.[1].deletion_protection).toBe(true);
      expect(app?.[1].deletion_protection).toBe(true);
      const versions = Object.values(tf.resource.google_secret_manager_secret_version) as Json[];
      const loginsVersion = versions.find((v) => v.secret.includes(`.${logins?.[0]}.`));
      expect(loginsVersion.secret_data).toContain('"app_user" = random_password.database_app-password_');
      expect(loginsVersion.secret_data).toContain('"app_user_clone" = random_password.database_app-password-clone_');
      // The roles job publishes the app secret once the login works.
      expect(versions.filter((v) => v.secret.includes(`.${app?.[0]}.`))).toEqual([]);
      expect(versions).toHaveLength(2);
    });
  });

  describe('removing a shard', () => {
    it('GIVEN deletion protection (prod) WHEN synthesized THEN primaries and their databases refuse destroy at plan', () => {
      const tf = database(resolved('prod', { database: { shards: 2 } }));
      for (const p of primaries(tf)) expect(p.lifecycle.prevent_destroy).toBe(true);
      for (const d of resources(tf, 'google_sql_database')) expect(d.lifecycle).toEqual({ prevent_destroy: true });
      for (const r of replicas(tf)) expect(r.lifecycle.prevent_destroy).toBeUndefined();
    });

    it('GIVEN deletion protection WHEN synthesized THEN a plan-time check lists the region instances and refuses a dropped primary', () => {
      const tf = database(resolved('prod', { database: { shards: 2 } }));
      const [guard] = Object.values(tf.data.google_sql_database_instances) as Json[];
      expect(guard.region).toBe('us-central1');
      const [condition] = guard.lifecycle.postcondition;
      expect(condition.condition).toBe(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform expression, not a JS template
        '${length(setsubtract([for i in self.instances : i.name if can(regex("^shop-api-prd-pg(-s[0-9]+)?$", i.name))], ["shop-api-prd-pg","shop-api-prd-pg-s1"])) == 0}',
      );
      expect(condition.error_message).toMatch(/^database\.shards: the spec drops shard primaries \$\{join/);
      expect(condition.error_message).toContain('database.deletionProtection: false');
    });

    it('GIVEN no deletion protection (dev) WHEN synthesized THEN no guard, no prevent_destroy, and the backups outlive the primary', () => {
      const tf = database(resolved('dev', { database: { shards: 2 } }));
      expect(tf.data).toBeUndefined();
      for (const p of primaries(tf)) {
        expect(p.lifecycle.prevent_destroy).toBe(false);
        expect(p.settings.retain_backups_on_delete).toBe(true);
      }
    });
  });

  it('GIVEN a replica size WHEN synthesized THEN replicas use its tier and the primary keeps its own', () => {
    const tf = database(resolved('prod', { database: { size: 'large', replicaSize: 'xlarge' } }));
    expect(primaries(tf)[0].settings.tier).toBe(DATABASE_SIZES.large.gcp.type);
    for (const r of replicas(tf)) expect(r.settings.tier).toBe(DATABASE_SIZES.xlarge.gcp.type);
  });

  it('GIVEN the shared audit decision WHEN it changes THEN the Cloud SQL flags follow it', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../lib/operations', () => {
        const actual = jest.requireActual('../../../lib/operations');
        return {
          ...actual,
          DATABASE_AUDIT: {
            ...actual.DATABASE_AUDIT,
            logConnections: false,
            logTempFilesKiB: 1024,
            logStatement: 'mod',
          },
        };
      });
      const { DATABASE_FLAGS: flags } =
        require('../../../constructs/gcp/database') as typeof import('../../../constructs/gcp/database');
      expect(flags).toMatchObject({
        log_connections: 'off',
        log_temp_files: '1024',
        log_statement: 'mod',
        log_disconnections: 'on',
      });
    });
    jest.dontMock('../../../lib/operations');
  });

  it('GIVEN DATABASE_AUDIT WHEN the flags are built THEN every shared setting Cloud SQL has is there, with its value', () => {
    expect(DATABASE_FLAGS).toMatchObject({
      log_connections: onOff(DATABASE_AUDIT.logConnections),
      log_disconnections: onOff(DATABASE_AUDIT.logDisconnections),
      log_checkpoints: onOff(DATABASE_AUDIT.logCheckpoints),
      log_lock_waits: onOff(DATABASE_AUDIT.logLockWaits),
      log_temp_files: String(DATABASE_AUDIT.logTempFilesKiB),
      log_statement: DATABASE_AUDIT.logStatement,
    });
  });
});
