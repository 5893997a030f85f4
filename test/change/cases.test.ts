import { exitCodeOf } from '../../lib/change/report';
import type { Change, ChangeReport, Side } from '../../lib/change/types';
import { CLOUDS, type Cloud, type Environment } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { changeReport, synthOutputs } from '../../stacks/change';
import { buildSpec } from '../parity/matrix';

/*
 * Each change class on each cloud through the real stacks: both specs synthesized, compared by the
 * model `blueprint diff` uses. The review's instances (issue 9 B8–B13) are here; where today's
 * output is wrong the model says so (fails / downtime), and the entry changes when the fix lands.
 */

const BASE = {
  loadBalancer: { waf: false },
  compute: { spotPercent: 0, size: 'small' as const, minInstances: 2, maxInstances: 4 },
  cache: { size: 'small' as const, shards: 1, replicasPerShard: 1 },
  database: { size: 'small' as const, readReplicas: 1, shards: 1 },
};
type Patch = Parameters<typeof buildSpec>[1];

const sides = new Map<string, Side>();
function side(env: Environment, patch: Patch): Side {
  const key = JSON.stringify([env, patch]);
  let s = sides.get(key);
  if (!s) {
    const spec: ResolvedSpec = buildSpec(env, patch);
    s = { outputs: synthOutputs(spec, CLOUDS), spec };
    sides.set(key, s);
  }
  return s;
}
const report = (from: Patch, to: Patch, env: Environment = 'staging'): ChangeReport =>
  changeReport(side(env, from), side(env, to), CLOUDS);
const of = (r: ChangeReport, cloud: Cloud, type: string): Change[] =>
  r.clouds[cloud]?.changes.filter((c) => c.type === type) ?? [];
const risky = (r: ChangeReport, cloud: Cloud) => r.clouds[cloud]?.changes.filter((c) => c.risk !== 'none') ?? [];

describe('safe changes exit 0', () => {
  test('GIVEN maxInstances 4 → 8 THEN every cloud updates in place and nothing needs attention', () => {
    const r = report(BASE, { ...BASE, compute: { ...BASE.compute, maxInstances: 8 } });
    for (const cloud of CLOUDS) {
      expect(r.clouds[cloud]?.changes.length).toBeGreaterThan(0);
      expect(r.clouds[cloud]?.changes.every((c) => c.action === 'update' && c.risk === 'none')).toBe(true);
    }
    expect(exitCodeOf(r)).toBe(0);
  });

  test('GIVEN another alarm email THEN only the notification targets change, exit 0', () => {
    const r = report(BASE, { ...BASE, alerts: { email: 'oncall@example.com' } });
    expect(exitCodeOf(r)).toBe(0);
    expect(of(r, 'gcp', 'google_monitoring_notification_channel')).toEqual([
      expect.objectContaining({ action: 'update', attributes: ['labels.email_address'] }),
    ]);
  });
});

describe('zones 2 → 3 (issue 9 B8, B9)', () => {
  const r = () => report(BASE, { ...BASE, network: { zones: 3 } });

  test('AWS with pooling: the named RDS Proxy must be replaced for VpcSubnetIds: the update fails', () => {
    expect(of(r(), 'aws', 'AWS::RDS::DBProxy')).toEqual([
      expect.objectContaining({
        action: 'fails',
        risk: 'fails',
        attributes: ['VpcSubnetIds'],
        rules: ['aws-custom-name'],
      }),
    ]);
  });

  test('GCP: distribution_policy_zones re-creates the group, whose delete the backend service blocks', () => {
    const [mig] = of(r(), 'gcp', 'google_compute_region_instance_group_manager');
    expect(mig).toMatchObject({ action: 'fails', attributes: ['distribution_policy_zones'] });
    expect(mig?.rules).toEqual(expect.arrayContaining(['tf-force-new', 'tf-in-use', 'gcp-mig-zones']));
  });

  test('Azure: the scale set rolls onto three zones and the Application Gateway is re-created (zones force-new)', () => {
    expect(of(r(), 'azure', 'azurerm_linux_virtual_machine_scale_set')[0]).toMatchObject({ action: 'rolling' });
    expect(of(r(), 'azure', 'azurerm_application_gateway')).toEqual([
      expect.objectContaining({ action: 'replace', risk: 'downtime', attributes: ['zones'] }),
    ]);
  });
});

describe('CDN on (issue 9 B10)', () => {
  const withCdn = {
    ...BASE,
    loadBalancer: {
      waf: false,
      https: {
        domain: 'api.example.com',
        certificate: {
          azure: 'https://kv-certs.vault.azure.net/secrets/api',
          azureKeyVaultId:
            '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs',
        },
      },
    },
  };
  const r = () => report(withCdn, { ...withCdn, cdn: { enabled: true, originDomain: 'origin.api.example.com' } });

  test('AWS and Azure lock the origin in the deploy that creates the CDN: downtime until DNS moves', () => {
    for (const cloud of ['aws', 'azure'] as const) {
      const locks = risky(r(), cloud);
      expect(locks.length).toBeGreaterThan(0);
      for (const c of locks) expect(c).toMatchObject({ risk: 'downtime', rules: ['cdn-origin-lock'] });
      expect(locks[0]?.advice).toContain('cdn.lockOrigin');
    }
  });

  test('GCP turns Cloud CDN on the same backend: safe', () => {
    expect(risky(r(), 'gcp')).toEqual([]);
  });
});

describe('database changes (issue 9 B11, B13)', () => {
  test('Azure replica size-up: Terraform scales the primary first, Azure refuses', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, size: 'medium' } });
    const servers = of(r, 'azure', 'azurerm_postgresql_flexible_server');
    expect(servers.find((c) => c.action === 'fails')).toMatchObject({
      attributes: ['sku_name'],
      rules: ['azure-replica-scale-order'],
    });
    expect(servers.find((c) => c.action === 'restart')).toMatchObject({ risk: 'downtime' });
    // The same size-up restarts the instances on AWS and GCP.
    expect(of(r, 'aws', 'AWS::RDS::DBInstance').every((c) => c.action === 'restart')).toBe(true);
    expect(of(r, 'gcp', 'google_sql_database_instance').every((c) => c.action === 'restart')).toBe(true);
  });

  test('major version 16 → 17: Aurora refuses without AllowMajorVersionUpgrade, Cloud SQL restarts, Azure refuses with replicas', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, engineVersion: '17' } });
    expect(of(r, 'aws', 'AWS::RDS::DBCluster')[0]).toMatchObject({ action: 'fails', rules: ['aws-aurora-major'] });
    expect(of(r, 'gcp', 'google_sql_database_instance').map((c) => c.action)).toEqual(['restart', 'restart']);
    const primary = of(r, 'azure', 'azurerm_postgresql_flexible_server').find((c) => !c.resource.includes('Replica'));
    expect(primary).toMatchObject({ action: 'fails', rules: ['azure-major-with-replicas'] });
  });

  test('shards 3 → 1 (staging): the removed shards are deleted with their data on every cloud', () => {
    const r = report({ ...BASE, database: { ...BASE.database, shards: 3 } }, BASE);
    const clusters = of(r, 'aws', 'AWS::RDS::DBCluster');
    expect(clusters.map((c) => [c.action, c.risk])).toEqual([
      ['delete', 'data-loss'],
      ['delete', 'data-loss'],
    ]);
    expect(clusters[0]?.advice).toContain('database.shards 3 → 1');
    const primaries = (cloud: Cloud, type: string) =>
      of(r, cloud, type).filter((c) => c.action === 'delete' && c.risk === 'data-loss');
    expect(primaries('gcp', 'google_sql_database_instance')).toHaveLength(2);
    expect(primaries('azure', 'azurerm_postgresql_flexible_server')).toHaveLength(2);
  });

  test('shards 2 → 1 (prod): deletion protection makes the delete fail on AWS and GCP (DELETE_FAILED / provider refuses)', () => {
    const r = report({ database: { shards: 2 } }, { database: { shards: 1 } }, 'prod');
    expect(of(r, 'aws', 'AWS::RDS::DBCluster')).toEqual([
      expect.objectContaining({ action: 'fails', rules: expect.arrayContaining(['aws-deletion-protection']) }),
    ]);
    expect(of(r, 'gcp', 'google_sql_database_instance').filter((c) => c.action === 'fails')).toEqual(
      expect.arrayContaining([expect.objectContaining({ rules: expect.arrayContaining(['tf-delete-guard']) })]),
    );
  });
});

describe('replicas (issue 9 B12)', () => {
  test('GCP replica removed: deleted while the running VMs still carry its address in the startup script (downtime)', () => {
    const r = report({ ...BASE, database: { ...BASE.database, readReplicas: 2 } }, BASE);
    const [removed] = of(r, 'gcp', 'google_sql_database_instance').filter((c) => c.action === 'delete');
    expect(removed).toMatchObject({ risk: 'downtime', rules: ['tf-boot-reference'] });
    expect(of(r, 'gcp', 'google_compute_region_instance_group_manager')[0]).toMatchObject({ action: 'rolling' });
  });

  test('replica added: created, nothing needs attention on any cloud', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, readReplicas: 2 } });
    expect(exitCodeOf(r)).toBe(0);
    expect(of(r, 'aws', 'AWS::RDS::DBInstance').map((c) => c.action)).toEqual(['create']);
  });
});

describe('cache changes', () => {
  test('GCP BASIC → STANDARD_HA: the tier re-creates the instance under the templates’ create_before_destroy: the fixed name clashes', () => {
    const r = report({ ...BASE, cache: { ...BASE.cache, replicasPerShard: 0, highAvailability: false } }, BASE);
    expect(of(r, 'gcp', 'google_redis_instance')[0]).toMatchObject({
      action: 'fails',
      attributes: ['tier'],
      rules: expect.arrayContaining(['tf-cbd-name-clash', 'gcp-memorystore-tier']),
    });
  });

  test('cache size up: ElastiCache and Memorystore resize online; azurerm 4.55 replaces Managed Redis', () => {
    const r = report(BASE, { ...BASE, cache: { ...BASE.cache, size: 'medium' } });
    expect(of(r, 'aws', 'AWS::ElastiCache::ReplicationGroup')[0]).toMatchObject({ action: 'update', risk: 'none' });
    expect(of(r, 'gcp', 'google_redis_instance')[0]).toMatchObject({
      action: 'update',
      rules: ['gcp-memorystore-resize'],
    });
    expect(of(r, 'azure', 'azurerm_managed_redis')[0]).toMatchObject({ action: 'replace', risk: 'data-loss' });
  });

  test('prod: prevent_destroy turns that Managed Redis replacement into a failed plan', () => {
    const prod = { cache: { size: 'small' as const } };
    const r = report(prod, { cache: { size: 'medium' as const } }, 'prod');
    expect(of(r, 'azure', 'azurerm_managed_redis')[0]).toMatchObject({
      action: 'fails',
      rules: expect.arrayContaining(['tf-prevent-destroy']),
    });
  });
});

describe('compute changes', () => {
  test('compute size up rolls the fleet on every cloud, risk none', () => {
    const r = report(BASE, { ...BASE, compute: { ...BASE.compute, size: 'large' } });
    expect(of(r, 'aws', 'AWS::AutoScaling::AutoScalingGroup')[0]).toMatchObject({ action: 'rolling', risk: 'none' });
    expect(of(r, 'gcp', 'google_compute_region_instance_group_manager')[0]).toMatchObject({ action: 'rolling' });
    expect(of(r, 'azure', 'azurerm_linux_virtual_machine_scale_set')[0]).toMatchObject({ action: 'rolling' });
    expect(exitCodeOf(r)).toBe(0);
  });
});
