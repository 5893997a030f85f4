import { Testing } from 'cdktf';
import {
  AzureDatabase,
  auditParameters,
  MAX_CONNECTIONS_BY_MEMORY_GIB,
  maxConnections,
  POSTGRES_STORAGE_TIERS_MB,
  storageMb,
} from '../../../constructs/azure/database';
import { READER_SLOTS, readerTarget } from '../../../constructs/azure/endpoints';
import { AzureNetwork } from '../../../constructs/azure/network';
import { AzureSecrets } from '../../../constructs/azure/secrets';
import { appRoleScript } from '../../../lib/database-roles';
import { DATABASE_AUDIT } from '../../../lib/operations';
import type { ResolvedSpec } from '../../../lib/resolve';
import { azurePostgresSkuAtLeast } from '../../../lib/sizes';
import { terraformAttributeText } from '../../../lib/terraform-text';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const entries = (json: Json, type: string): [string, Json][] => Object.entries(json.resource?.[type] ?? {});

let built: AzureDatabase | undefined;
function synth(spec: ResolvedSpec, existingResourceGroup?: { resourceGroupName: string; location: string }): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec, existingResourceGroup });
      const secrets = new AzureSecrets(scope, 'Secrets', { spec, network });
      built = new AzureDatabase(scope, 'Database', { spec, network, secrets });
    }),
  );
}
const byName = (json: Json, type: string, name: string) => all(json, type).find((r) => r.name === name) as Json;
const ref = (json: Json, type: string, value: string) =>
  entries(json, type).find(([id]) => value.includes(`${type}.${id}.`))?.[1];
const servers = (json: Json) => all(json, 'azurerm_postgresql_flexible_server');
const primaries = (json: Json) => servers(json).filter((s) => s.create_mode !== 'Replica');
const replicas = (json: Json) => servers(json).filter((s) => s.create_mode === 'Replica');

describe('storageMb', () => {
  test.each([
    [20, 32768],
    [32, 32768],
    [33, 65536],
    [100, 131072],
    [200, 262144],
    [1024, 1048576],
  ])('GIVEN %i GiB WHEN rounded THEN the next Flexible Server tier is %i MiB', (gib, mb) => {
    expect(storageMb(gib)).toBe(mb);
    expect(POSTGRES_STORAGE_TIERS_MB).toContain(mb);
  });

  test('GIVEN more than the largest tier WHEN rounded THEN it throws with the limit', () => {
    expect(() => storageMb(40000)).toThrow(/exceeds the largest Flexible Server storage/);
  });
});

describe('maxConnections', () => {
  test('GIVEN a memory size WHEN looked up THEN the nearest lower row of the Azure table applies', () => {
    expect(maxConnections(16)).toBe(MAX_CONNECTIONS_BY_MEMORY_GIB[16]);
    expect(maxConnections(20)).toBe(1719);
    expect(maxConnections(1)).toBe(429);
  });
});

describe('AzureDatabase', () => {
  const prod = synth(resolved('prod'));
  const prodDb = built;

  test('GIVEN prod WHEN synthesized THEN one primary with HA zone-redundant, private access and prod backups', () => {
    const [p] = primaries(prod);
    expect(p).toMatchObject({
      name: expect.stringMatching(/^pg-shop-api-prd-[0-9a-f]{6}$/),
      version: '16',
      sku_name: 'MO_Standard_E2ds_v5',
      storage_mb: 131072,
      auto_grow_enabled: true,
      public_network_access_enabled: false,
      backup_retention_days: 14,
      geo_redundant_backup_enabled: true,
      zone: '1',
      high_availability: { mode: 'ZoneRedundant', standby_availability_zone: '2' },
      administrator_login: 'app_admin',
    });
    expect(p?.delegated_subnet_id).toMatch(/Network_DatabaseSubnet_/);
    expect(p?.private_dns_zone_id).toMatch(/Network_PostgresDnsZone_/);
    expect(p?.depends_on).toEqual([expect.stringMatching(/Network_PostgresDnsZoneLink_/)]);
  });

  test('GIVEN HA and auto-grow WHEN synthesized THEN zone and storage drift are ignored and prod servers cannot be destroyed', () => {
    const [p] = primaries(prod);
    // storage_mb: a shrink forces replacement in azurerm, and auto-grow moves it past the spec.
    expect(p?.lifecycle.ignore_changes).toEqual([
      'storage_mb',
      'zone',
      'high_availability[0].standby_availability_zone',
    ]);
    expect(p?.lifecycle.prevent_destroy).toBe(true);
    expect(all(prod, 'azurerm_postgresql_flexible_server_database')[0]?.lifecycle.prevent_destroy).toBe(true);
  });

  test('GIVEN prod replicas WHEN synthesized THEN they stay removable (lowering readReplicas plans a removal)', () => {
    expect(replicas(prod).length).toBeGreaterThan(0);
    for (const r of replicas(prod)) expect(r.lifecycle?.prevent_destroy).toBeUndefined();
  });

  test('GIVEN dev WHEN synthesized THEN no HA block, no geo backups, destroyable', () => {
    const [p] = primaries(synth(resolved('dev')));
    expect(p?.high_availability).toBeUndefined();
    expect(p?.geo_redundant_backup_enabled).toBe(false);
    expect(p?.lifecycle.prevent_destroy).toBe(false);
    expect(p?.storage_mb).toBe(32768);
  });

  test('GIVEN two read replicas WHEN synthesized THEN each replicates from the primary in another zone', () => {
    const r = replicas(prod);
    expect(r.map((x) => x.name)).toEqual([
      expect.stringMatching(/^pg-shop-api-prd-[0-9a-f]{6}-r1$/),
      expect.stringMatching(/^pg-shop-api-prd-[0-9a-f]{6}-r2$/),
    ]);
    for (const x of r) {
      expect(x.source_server_id).toMatch(/^\$\{azurerm_postgresql_flexible_server\.Database_Server_[0-9A-F]+\.id\}$/);
      expect(x.administrator_password).toBeUndefined();
      expect(x.public_network_access_enabled).toBe(false);
      expect(x.lifecycle.ignore_changes).toEqual(['storage_mb', 'zone', 'version']);
      // A replica added after the primary auto-grew starts at the primary's real size.
      expect(x.storage_mb).toMatch(/^\$\{azurerm_postgresql_flexible_server\.Database_Server_[0-9A-F]+\.storage_mb\}$/);
    }
    expect(r.map((x) => x.zone)).toEqual(['2', '3']);
  });

  test('GIVEN query statistics WHEN synthesized THEN pg_stat_statements, Query Store and slow-query logging are set in sequence', () => {
    const configs = entries(prod, 'azurerm_postgresql_flexible_server_configuration').filter(([, c]) =>
      String(c.server_id).includes('Database_Server_'),
    );
    const byName = Object.fromEntries(configs.map(([, c]) => [c.name, c]));
    expect(byName['azure.extensions']?.value).toBe('PG_STAT_STATEMENTS');
    expect(byName.shared_preload_libraries?.value).toBe('pg_stat_statements');
    expect(byName['pg_qs.query_capture_mode']?.value).toBe('top');
    expect(byName.log_min_duration_statement?.value).toBe('1000');
    expect(byName['pgbouncer.enabled']?.value).toBe('true');
    // Every parameter but the first waits for the one before it (Azure rejects concurrent updates).
    expect(configs.filter(([, c]) => c.depends_on === undefined)).toHaveLength(1);
  });

  test('GIVEN no pooling WHEN synthesized THEN PgBouncer is not enabled and the secret port is 5432', () => {
    const json = synth(resolved('prod', { database: { connectionPooling: false } }));
    const names = all(json, 'azurerm_postgresql_flexible_server_configuration').map((c) => c.name);
    expect(names).not.toContain('pgbouncer.enabled');
    const secret = all(json, 'azurerm_key_vault_secret').find((s) => s.name === 'shop-api-prd-database');
    expect(secret?.value).toContain('"port" = 5432');
  });

  test('GIVEN pooling WHEN synthesized THEN the credentials secret points clients at PgBouncer (6432) on the server host', () => {
    const secret = all(prod, 'azurerm_key_vault_secret').find((s) => s.name === 'shop-api-prd-database');
    expect(secret?.content_type).toBe('application/json');
    expect(secret?.value).toContain('"port" = 6432');
    expect(secret?.value).toContain('"directPort" = 5432');
    expect(secret?.value).toMatch(/random_password\.Database_Password_[0-9A-F]+\.result/);
  });

  test('GIVEN a generated password WHEN synthesized THEN it is long and URL-safe', () => {
    expect(all(prod, 'random_password')[0]).toMatchObject({ length: 40, special: false });
  });

  test('GIVEN three shards WHEN synthesized THEN shard 0 keeps the unsharded ids and names, others add -s<n>', () => {
    const json = synth(resolved('prod', { database: { shards: 3 } }));
    const keys = entries(json, 'azurerm_postgresql_flexible_server')
      .filter(([, s]) => s.create_mode !== 'Replica')
      .map(([k]) => k)
      .sort();
    expect(keys).toEqual([
      expect.stringMatching(/^Database_Server-s1_/),
      expect.stringMatching(/^Database_Server-s2_/),
      expect.stringMatching(/^Database_Server_[0-9A-F]{8}$/),
    ]);
    expect(
      primaries(json)
        .map((s) => s.name.replace(/-[0-9a-f]{6}/, ''))
        .sort(),
    ).toEqual(['pg-shop-api-prd', 'pg-shop-api-prd-s1', 'pg-shop-api-prd-s2']);
    expect(replicas(json)).toHaveLength(6);
    expect(
      all(json, 'azurerm_key_vault_secret')
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      'shop-api-prd-database',
      'shop-api-prd-database-app',
      'shop-api-prd-database-app-s1',
      'shop-api-prd-database-app-s2',
      'shop-api-prd-database-s1',
      'shop-api-prd-database-s2',
    ]);
  });

  test('GIVEN replicaSize above size WHEN synthesized THEN replicas run the larger SKU and the primary its own', () => {
    // Azure scales replicas first and never lets a primary outgrow them: replicaSize is the first
    // deploy of a size-up, size the second.
    const json = synth(resolved('prod', { database: { size: 'medium', replicaSize: 'large' } }));
    expect(primaries(json)[0]?.sku_name).toBe('MO_Standard_E2ds_v5');
    expect(replicas(json).map((r) => r.sku_name)).toEqual(['MO_Standard_E4ds_v5', 'MO_Standard_E4ds_v5']);
  });

  test('GIVEN replicas WHEN synthesized THEN they take the primary major version and a plan that moves it fails before any change', () => {
    const [p] = entries(prod, 'azurerm_postgresql_flexible_server').filter(([, x]) => x.create_mode !== 'Replica');
    for (const r of replicas(prod)) {
      expect(r.version).toBe(`\${azurerm_postgresql_flexible_server.${p?.[0]}.version}`);
      expect(r.lifecycle.postcondition).toEqual([
        {
          condition: `\${(self.version == azurerm_postgresql_flexible_server.${p?.[0]}.version)}`,
          error_message: expect.stringMatching(
            /readReplicas: 0 first.*then the new engineVersion.*then readReplicas again/,
          ),
        },
      ]);
    }
    // The primary upgrades in place (azurerm 4.55: up is a PATCH of version; down forces a new server).
    expect(p?.[1].version).toBe('16');
    expect(p?.[1].lifecycle.ignore_changes).not.toContain('version');
  });

  test('GIVEN lib audit logging WHEN synthesized THEN every server sets the Flexible Server parameters, in sequence', () => {
    expect(auditParameters()).toEqual({
      log_connections: 'on',
      log_disconnections: 'on',
      log_checkpoints: 'on',
      log_lock_waits: 'on',
      log_temp_files: String(DATABASE_AUDIT.logTempFilesKiB),
      log_statement: 'ddl',
      'connection_throttle.enable': 'on',
    });
    for (const [id] of entries(prod, 'azurerm_postgresql_flexible_server')) {
      const set = all(prod, 'azurerm_postgresql_flexible_server_configuration')
        .filter((c) => String(c.server_id).includes(`.${id}.`))
        .map((c) => [c.name, c.value]);
      expect(set).toEqual(expect.arrayContaining(Object.entries(auditParameters())));
    }
  });

  test('GIVEN generation 0 WHEN synthesized THEN two app logins get their own passwords and the app secret holds app_user', () => {
    const app = byName(prod, 'azurerm_key_vault_secret', 'shop-api-prd-database-app');
    expect(app.value).toContain('"username" = "app_user"');
    expect(app.value).toMatch(/random_password\.Database_AppPassword_[0-9A-F]+\.result/);
    expect(app.value).not.toMatch(/Database_Password_/);
    const admin = byName(prod, 'azurerm_key_vault_secret', 'shop-api-prd-database');
    expect(admin.value).toContain('"username" = "app_admin"');
    const keepers = entries(prod, 'random_password').map(([id, p]) => [id.replace(/_[0-9A-F]+$/, ''), p.keepers]);
    expect(keepers).toEqual(
      expect.arrayContaining([
        ['Database_AppPassword', { rotation: '0' }],
        ['Database_AppClonePassword', { rotation: '0' }],
      ]),
    );
  });

  test('GIVEN the next rotation generation WHEN synthesized THEN the secret moves to app_user_clone and only its password changes', () => {
    const json = synth(resolved('prod', { database: { appCredentialGeneration: 1 } }));
    expect(byName(json, 'azurerm_key_vault_secret', 'shop-api-prd-database-app').value).toMatch(
      /"username" = "app_user_clone".*Database_AppClonePassword_/s,
    );
    const keepers = Object.fromEntries(
      entries(json, 'random_password').map(([id, p]) => [id.replace(/_[0-9A-F]+$/, ''), p.keepers]),
    );
    expect(keepers.Database_AppPassword).toEqual({ rotation: '0' });
    expect(keepers.Database_AppClonePassword).toEqual({ rotation: '1' });
  });

  test("GIVEN the app role WHEN synthesized THEN a one-shot container job in the jobs subnet runs lib's script against every primary", () => {
    const json = synth(resolved('prod', { database: { shards: 2 } }));
    const [job] = all(json, 'azurerm_container_group');
    expect(job).toMatchObject({
      name: 'shop-api-prd-aci-db-roles',
      os_type: 'Linux',
      restart_policy: 'Never',
      ip_address_type: 'Private',
      subnet_ids: [expect.stringMatching(/Network_JobsSubnet_/)],
    });
    const [c] = (job as Json).container as Json[];
    expect(c?.image).toBe('postgres:16-alpine');
    // Only secure variables (the API never returns them): passwords, script and hosts alike.
    expect(c?.environment_variables).toBeUndefined();
    expect(c?.secure_environment_variables).toMatchObject({
      SHARDS: '2',
      ROLE_SQL: terraformAttributeText(appRoleScript()),
    });
    expect(c?.secure_environment_variables.PGHOST_1).toMatch(/Database_Server-s1_[0-9A-F]+\.fqdn/);
    expect(Object.keys(c?.secure_environment_variables).sort()).toEqual([
      'ADMIN_PASSWORD_0',
      'ADMIN_PASSWORD_1',
      'APP_USER_CLONE_PASSWORD_0',
      'APP_USER_CLONE_PASSWORD_1',
      'APP_USER_PASSWORD_0',
      'APP_USER_PASSWORD_1',
      'PGHOST_0',
      'PGHOST_1',
      'ROLE_SQL',
      'SHARDS',
    ]);
    expect(c?.commands.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(c?.commands[2]).toContain('psql "host=$host port=5432 dbname=app user=app_admin sslmode=require');
    expect(c?.commands[2]).not.toMatch(/\$\{|%\{/);
    expect(job?.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^azurerm_postgresql_flexible_server_database\.Database_Database-s1_/),
        expect.stringMatching(/Network_DatabaseSecurityGroupAssociation_/),
        expect.stringMatching(/Network_JobsSubnetNatAssociation_/),
      ]),
    );
    // The app secret names a login only after the job that creates it.
    expect(byName(json, 'azurerm_key_vault_secret', 'shop-api-prd-database-app-s1').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^azurerm_container_group\.Database_Bootstrap_/)]),
    );
  });

  test('GIVEN two replicas WHEN synthesized THEN a writer name and five reader names, each a CNAME of one server', () => {
    const records = all(prod, 'azurerm_private_dns_cname_record');
    expect(records.map((r) => r.name).sort()).toEqual([
      'reader-1',
      'reader-2',
      'reader-3',
      'reader-4',
      'reader-5',
      'writer',
    ]);
    for (const r of records) {
      expect(r.ttl).toBe(30);
      expect(r.zone_name).toMatch(/Network_DatabaseEndpointsDnsZone_/);
    }
    const target = (name: string) =>
      ref(prod, 'azurerm_postgresql_flexible_server', byName(prod, 'azurerm_private_dns_cname_record', name).record)
        ?.name;
    expect(['writer', 'reader-1', 'reader-2', 'reader-3', 'reader-4', 'reader-5'].map(target)).toEqual([
      expect.stringMatching(/^pg-shop-api-prd-[0-9a-f]{6}$/),
      expect.stringMatching(/-r1$/),
      expect.stringMatching(/-r2$/),
      expect.stringMatching(/-r1$/),
      expect.stringMatching(/-r2$/),
      expect.stringMatching(/-r1$/),
    ]);
    expect(prodDb?.endpoints()[0]).toMatchObject({
      writer: 'writer.db.shop-api-prd.internal',
      readers: [1, 2, 3, 4, 5].map((i) => `reader-${i}.db.shop-api-prd.internal`),
    });
  });

  test('GIVEN no replicas WHEN synthesized THEN every reader name points at the primary', () => {
    const json = synth(resolved('prod', { database: { readReplicas: 0 } }));
    const targets = all(json, 'azurerm_private_dns_cname_record').map((r) => r.record);
    expect(new Set(targets)).toEqual(new Set([expect.stringMatching(/Database_Server_[0-9A-F]+\.fqdn/)]));
    expect(targets).toHaveLength(1 + READER_SLOTS);
    expect(readerTarget(4, 3)).toEqual({ replica: 1 });
    expect(readerTarget(2, 0)).toBe('primary');
  });

  test('GIVEN prod replicas WHEN synthesized THEN each replica is read only when deployed and refuses, at plan, a primary larger than it', () => {
    const [listing] = Object.values(prod.data.azurerm_resources) as Json[];
    const guards = entries({ resource: prod.data }, 'azurerm_postgresql_flexible_server');
    const names = replicas(prod).map((r) => r.name as string);
    expect(guards.map(([, g]) => g.name)).toEqual(names);
    expect(prodDb?.replicaSizeGuards).toHaveLength(names.length);
    const listingAddress = `data.azurerm_resources.${Object.keys(prod.data.azurerm_resources)[0]}`;
    for (const [, g] of guards) {
      // count 0 on the first deploy (nothing listed), 1 once the replica exists.
      expect(g.count).toBe(`\${contains(${listingAddress}.resources[*].name, "${g.name}") ? 1 : 0}`);
      // Literals only: a reference to a resource with a pending change would defer the read to the apply.
      expect(g.resource_group_name).toBe('rg-shop-api-prd');
      const [check] = g.lifecycle.postcondition as Json[];
      expect(check.condition).toBe(`\${${azurePostgresSkuAtLeast('self.sku_name', '"MO_Standard_E2ds_v5"')}}`);
      expect(check.condition).not.toMatch(/azurerm_postgresql_flexible_server\./);
      expect(check.error_message).toBe(
        `database.size: read replica ${g.name} runs \${self.sku_name} and its primary would run MO_Standard_E2ds_v5; Terraform scales the primary first and Azure refuses a primary larger than its replicas, so this apply would fail halfway. Deploy twice: first database.replicaSize at least the new size (the replicas scale), then database.size (docs/azure.md, "Database").`,
      );
    }
    expect(listing?.lifecycle.postcondition).toHaveLength(1);
  });

  test('GIVEN a new size WHEN synthesized THEN the guard compares the replicas with the primary SKU of the new spec', () => {
    const json = synth(resolved('prod', { database: { size: 'large', replicaSize: 'large' } }));
    const [[, g]] = entries({ resource: json.data }, 'azurerm_postgresql_flexible_server') as [[string, Json]];
    expect(g.lifecycle.postcondition[0].condition).toBe(
      `\${${azurePostgresSkuAtLeast('self.sku_name', '"MO_Standard_E4ds_v5"')}}`,
    );
  });

  test('GIVEN no replicas and no deletion protection WHEN synthesized THEN nothing deployed is read', () => {
    const json = synth(resolved('dev'));
    expect(json.data.azurerm_resources).toBeUndefined();
    expect(json.data.azurerm_postgresql_flexible_server).toBeUndefined();
    expect(built?.deployed).toBeUndefined();
    expect(built?.replicaSizeGuards).toEqual([]);
  });

  test('GIVEN prod without replicas WHEN synthesized THEN only the shard guard reads the deployed servers', () => {
    const json = synth(resolved('prod', { database: { readReplicas: 0 } }));
    expect(Object.keys(json.data.azurerm_resources)).toHaveLength(1);
    expect(json.data.azurerm_postgresql_flexible_server).toBeUndefined();
  });

  test('GIVEN a brought resource group WHEN synthesized THEN the deployed servers are listed in that group', () => {
    const json = synth(resolved('prod'), { resourceGroupName: 'rg-platform', location: 'eastus' });
    const [listing] = Object.values(json.data.azurerm_resources) as Json[];
    expect(listing).toMatchObject({
      type: 'Microsoft.DBforPostgreSQL/flexibleServers',
      resource_group_name: 'rg-platform',
    });
    for (const [, g] of entries({ resource: json.data }, 'azurerm_postgresql_flexible_server')) {
      expect(g.resource_group_name).toBe('rg-platform');
    }
  });
});
