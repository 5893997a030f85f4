import { exitCodeOf } from '../../lib/change/report';
import type { Change, ChangeReport, Side } from '../../lib/change/types';
import { CLOUDS, type Cloud, type Environment } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { changeReport } from '../../stacks/change';
import { AZURE_CERT } from '../fixtures';
import { buildSpec } from '../parity/matrix';
import { synthesizedOutputs } from '../support/outputs';

/*
 * Each change class on each cloud through the real stacks: both specs synthesized, compared by the
 * model `blueprint diff` uses. The review's instances (issue 9 B8–B13) are here with the fixed
 * behaviour; where a defect remains the model says so (fails / downtime) and the test names it.
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
    s = { outputs: synthesizedOutputs(spec, CLOUDS), spec };
    sides.set(key, s);
  }
  return s;
}
const report = (from: Patch, to: Patch, env: Environment = 'staging'): ChangeReport =>
  changeReport(side(env, from), side(env, to), CLOUDS);
const of = (r: ChangeReport, cloud: Cloud, type: string): Change[] =>
  r.clouds[cloud]?.changes.filter((c) => c.type === type) ?? [];
const risky = (r: ChangeReport, cloud: Cloud) => r.clouds[cloud]?.changes.filter((c) => c.risk !== 'none') ?? [];
const notes = (r: ChangeReport, cloud: Cloud) => r.clouds[cloud]?.notes ?? [];
const named = (r: ChangeReport, cloud: Cloud, resource: RegExp) =>
  r.clouds[cloud]?.changes.filter((c) => resource.test(c.resource)) ?? [];

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

describe('zones 2 → 3 (issue 9 B8, B9: fixed)', () => {
  const r = () => report(BASE, { ...BASE, network: { zones: 3 } });

  test('AWS with pooling: the RDS Proxy stays in the first two zones, so nothing needs attention', () => {
    expect(of(r(), 'aws', 'AWS::RDS::DBProxy')).toEqual([]);
    expect(of(r(), 'aws', 'AWS::EC2::Subnet').map((c) => c.action)).toEqual(['create', 'create', 'create']);
    expect(risky(r(), 'aws')).toEqual([]);
  });

  test('GCP: the groups keep the zones they were created with (ignore_changes): no change, and a note says so', () => {
    expect(r().clouds.gcp?.changes).toEqual([]);
    expect(notes(r(), 'gcp')).toEqual([
      expect.stringMatching(
        /^google_compute_region_instance_group_manager\.compute_group_\w+: distribution_policy_zones changed .*ignore_changes/,
      ),
    ]);
  });

  test('Azure: the scale set spreads over the third zone (rolling); the gateway keeps its zones (a note, no re-creation)', () => {
    expect(of(r(), 'azure', 'azurerm_linux_virtual_machine_scale_set')[0]).toMatchObject({
      action: 'rolling',
      attributes: ['zones'],
    });
    expect(of(r(), 'azure', 'azurerm_application_gateway')).toEqual([]);
    expect(notes(r(), 'azure')).toEqual([expect.stringMatching(/^azurerm_application_gateway\.\S+: zones changed/)]);
    expect(exitCodeOf(r())).toBe(0);
  });
});

describe('CDN on (issue 9 B10: fixed by cdn.lockOrigin)', () => {
  const withCdn = {
    ...BASE,
    loadBalancer: { waf: false, https: { domain: 'api.example.com', certificate: AZURE_CERT } },
  };
  const cdn = (lockOrigin: boolean) => ({
    ...withCdn,
    cdn: { enabled: true, lockOrigin, originDomain: 'origin.api.example.com' },
  });

  test('GIVEN the default lockOrigin: false THEN every cloud creates its CDN with the origin still open: exit 0', () => {
    const r = report(withCdn, cdn(false));
    expect(of(r, 'aws', 'AWS::CloudFront::Distribution')).toEqual([expect.objectContaining({ action: 'create' })]);
    expect(of(r, 'azure', 'azurerm_cdn_frontdoor_profile')).toEqual([expect.objectContaining({ action: 'create' })]);
    expect(exitCodeOf(r)).toBe(0);
  });

  test('GIVEN lockOrigin: true in the deploy that creates the CDN THEN AWS and Azure lock clients out until DNS moves', () => {
    const r = report(withCdn, cdn(true));
    for (const cloud of ['aws', 'azure'] as const) {
      const locks = risky(r, cloud);
      expect(locks.length).toBeGreaterThan(0);
      for (const c of locks) expect(c).toMatchObject({ risk: 'downtime', rules: ['cdn-origin-lock'] });
      expect(locks[0]?.advice).toContain('then set cdn.lockOrigin: true in a second deploy');
    }
    expect(risky(r, 'gcp')).toEqual([]);
  });

  test('GIVEN lockOrigin turned on once the CDN serves (phase 2) THEN only the lock changes: safe', () => {
    const r = report(cdn(false), cdn(true));
    expect(of(r, 'aws', 'AWS::ElasticLoadBalancingV2::Listener')).toEqual([
      expect.objectContaining({ action: 'update', risk: 'none', attributes: ['DefaultActions'] }),
    ]);
    expect(exitCodeOf(r)).toBe(0);
  });
});

describe('database changes (issue 9 B11, B13)', () => {
  test('Azure size-up with replicas in one deploy: the replica guard refuses it at plan, before the primary is scaled (B11 fixed)', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, size: 'medium' } });
    const servers = of(r, 'azure', 'azurerm_postgresql_flexible_server');
    const refused = servers.find((c) => c.action === 'fails');
    expect(refused).toMatchObject({
      resource: expect.stringMatching(/^azurerm_postgresql_flexible_server\.Database_Server_/),
      attributes: ['sku_name'],
      rules: ['azure-replica-scale-order', 'tf-postcondition'],
    });
    expect(refused?.reason).toMatch(
      /^fails at plan: the postcondition of data\.azurerm_postgresql_flexible_server\.Database_ReplicaSizeGuard-r1_\w+ is false: replica pg-\S+-r1 runs GP_Standard_D2ds_v5, its primary would run MO_Standard_E2ds_v5/,
    );
    expect(refused?.advice).toMatch(
      /^database\.size: read replica pg-\S+-r1 runs GP_Standard_D2ds_v5 .*first database\.replicaSize/,
    );
    expect(notes(r, 'azure')).toEqual([expect.stringMatching(/^the plan fails \(azurerm_postgresql_flexible_server/)]);
    expect(servers.find((c) => c.action === 'restart')).toMatchObject({ risk: 'downtime' });
    // The same size-up restarts the instances on AWS and GCP.
    expect(of(r, 'aws', 'AWS::RDS::DBInstance').every((c) => c.action === 'restart')).toBe(true);
    expect(of(r, 'gcp', 'google_sql_database_instance').every((c) => c.action === 'restart')).toBe(true);
  });

  test('Azure size-up in two deploys (replicaSize, then size): each restarts, neither fails', () => {
    const replicas = { ...BASE, database: { ...BASE.database, replicaSize: 'medium' as const } };
    const first = of(report(BASE, replicas), 'azure', 'azurerm_postgresql_flexible_server');
    expect(first.map((c) => [c.resource.includes('Replica'), c.action])).toEqual([[true, 'restart']]);
    const both = { ...replicas, database: { ...replicas.database, size: 'medium' as const } };
    const second = of(report(replicas, both), 'azure', 'azurerm_postgresql_flexible_server');
    expect(second.map((c) => [c.resource.includes('Replica'), c.action])).toEqual([[false, 'restart']]);
  });

  test('AWS size small → medium: Serverless v2 instances restart on a provisioned class, the cluster keeps its login', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, size: 'medium' } });
    // small is Aurora Serverless v2: the change is the instances' class and the cluster's capacity range.
    expect(of(r, 'aws', 'AWS::RDS::DBCluster')).toEqual([
      expect.objectContaining({ action: 'update', attributes: ['ServerlessV2ScalingConfiguration'], risk: 'none' }),
    ]);
    expect(of(r, 'aws', 'AWS::RDS::DBInstance').map((c) => c.action)).toEqual(['restart', 'restart']);
    // Every size has the app login already: nothing of it is created or changed.
    expect(of(r, 'aws', 'Custom::DatabaseStatement')).toEqual([]);
    expect(of(r, 'aws', 'Custom::DatabaseAppPassword')).toEqual([]);
  });

  test('major version 16 → 17: Aurora refuses without AllowMajorVersionUpgrade, Cloud SQL restarts, the Azure plan fails (replica guard)', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, engineVersion: '17' } });
    expect(of(r, 'aws', 'AWS::RDS::DBCluster')[0]).toMatchObject({ action: 'fails', rules: ['aws-aurora-major'] });
    expect(of(r, 'gcp', 'google_sql_database_instance').map((c) => c.action)).toEqual(['restart', 'restart']);
    const primary = of(r, 'azure', 'azurerm_postgresql_flexible_server').find((c) => !c.resource.includes('Replica'));
    expect(primary).toMatchObject({ action: 'fails', rules: expect.arrayContaining(['tf-postcondition']) });
    expect(primary?.reason).toMatch(/^fails at plan: .* is false \("16" and "17"\)/);
    expect(primary?.advice).toContain('database.readReplicas: 0');
    expect(notes(r, 'azure')).toEqual([expect.stringMatching(/^the plan fails \(azurerm_postgresql_flexible_server/)]);
  });

  test('shards 3 → 1 (staging): AWS keeps final snapshots; GCP and Azure delete the data, keeping backups for a while', () => {
    const r = report({ ...BASE, database: { ...BASE.database, shards: 3 } }, BASE);
    const clusters = of(r, 'aws', 'AWS::RDS::DBCluster');
    expect(clusters.map((c) => [c.action, c.risk, c.rules])).toEqual([
      ['delete', 'downtime', ['aws-snapshot', 'spec-shard-decrease']],
      ['delete', 'downtime', ['aws-snapshot', 'spec-shard-decrease']],
    ]);
    expect(clusters[0]?.advice).toContain('database.shards 3 → 1');
    const primaries = (cloud: Cloud, type: string) =>
      of(r, cloud, type).filter((c) => c.action === 'delete' && c.risk === 'data-loss');
    for (const [cloud, type] of [
      ['gcp', 'google_sql_database_instance'],
      ['azure', 'azurerm_postgresql_flexible_server'],
    ] as const) {
      expect(primaries(cloud, type)).toHaveLength(2);
      for (const c of primaries(cloud, type)) expect(c.rules).toContain('tf-delete-keeps');
    }
  });

  test('shards 2 → 1 (prod): AWS retains the shard, the GCP and Azure plans fail on the shard guard', () => {
    const r = report({ database: { shards: 2 } }, { database: { shards: 1 } }, 'prod');
    const [cluster] = of(r, 'aws', 'AWS::RDS::DBCluster');
    expect(cluster).toMatchObject({ action: 'delete', risk: 'none', rules: ['aws-retain', 'spec-shard-decrease'] });
    expect(cluster?.advice).toMatch(/billing.*database\.shards 2 → 1/);
    const guarded = of(r, 'gcp', 'google_sql_database_instance').find((c) => c.action === 'fails');
    expect(guarded).toMatchObject({ resource: expect.stringMatching(/primary-s1_/), risk: 'fails' });
    expect(guarded?.rules).toContain('tf-postcondition');
    expect(guarded?.reason).toContain('fails at plan');
    expect(guarded?.advice).toMatch(
      /^database\.shards: the spec drops shard primaries shop-api-prd-pg-s1 .*deletionProtection: false/,
    );
    expect(notes(r, 'gcp')).toEqual(expect.arrayContaining([expect.stringMatching(/^the plan fails/)]));
    // prevent_destroy goes with a server removed from the configuration; the guard lists the
    // deployed primaries instead and stops the plan.
    const server = named(r, 'azure', /^azurerm_postgresql_flexible_server\.Database_Server-s1_/)[0];
    expect(server).toMatchObject({
      action: 'fails',
      risk: 'fails',
      rules: expect.arrayContaining(['tf-postcondition']),
    });
    expect(server?.reason).toMatch(
      /^fails at plan: the postcondition of data\.azurerm_resources\.Database_DeployedServers_\w+ is false: it lists pg-shop-api-prd-\w+-s1, deployed/,
    );
    expect(server?.advice).toMatch(
      /^database\.shards: the spec drops shard primaries pg-shop-api-prd-\w+-s1 .*deletionProtection: false .*lower database\.shards/,
    );
    expect(notes(r, 'azure')).toEqual(expect.arrayContaining([expect.stringMatching(/^the plan fails/)]));
  });
});

describe('replicas (issue 9 B12: fixed, stable names)', () => {
  const r = () => report({ ...BASE, database: { ...BASE.database, readReplicas: 2 } }, BASE);

  test('GCP replica removed: the reader record is updated first, then the replica deleted; no VM rolls', () => {
    expect(of(r(), 'gcp', 'google_dns_record_set')).toEqual([
      expect.objectContaining({ action: 'update', attributes: ['rrdatas'] }),
    ]);
    const [removed] = of(r(), 'gcp', 'google_sql_database_instance');
    expect(removed).toMatchObject({ action: 'delete', risk: 'none', rules: ['tf-destroy-order'] });
    expect(removed?.reason).toMatch(
      /Terraform updates google_dns_record_set\.database_dns_reader_\w+ first, then deletes it/,
    );
    expect(of(r(), 'gcp', 'google_compute_region_instance_group_manager')).toEqual([]);
    expect(risky(r(), 'gcp')).toEqual([]);
  });

  test('Azure replica removed: its reader names move to the other servers in the same apply, unordered; no VM rolls', () => {
    expect(of(r(), 'azure', 'azurerm_private_dns_cname_record').map((c) => c.action)).toEqual(['update', 'update']);
    const removed = named(r(), 'azure', /^azurerm_postgresql_flexible_server\.Database_Replica-r2_/)[0];
    expect(removed).toMatchObject({ action: 'delete', risk: 'none', rules: ['tf-destroy-order'] });
    expect(removed?.reason).toContain('at once');
    expect(of(r(), 'azure', 'azurerm_linux_virtual_machine_scale_set')).toEqual([]);
  });

  test('replica added: created, nothing needs attention on any cloud', () => {
    const added = report(BASE, { ...BASE, database: { ...BASE.database, readReplicas: 2 } });
    expect(exitCodeOf(added)).toBe(0);
    expect(of(added, 'aws', 'AWS::RDS::DBInstance').map((c) => c.action)).toEqual(['create']);
  });
});

describe('cache changes and cache.revision', () => {
  const basic = { ...BASE, cache: { ...BASE.cache, replicasPerShard: 0, highAvailability: false } };
  const revised = (patch: Partial<typeof BASE.cache>) => ({ ...BASE, cache: { ...BASE.cache, ...patch, revision: 1 } });

  test('GCP BASIC → STANDARD_HA: re-created first under the same fixed name: fails, and the advice names cache.revision: 1', () => {
    const [c] = of(report(basic, BASE), 'gcp', 'google_redis_instance');
    expect(c).toMatchObject({
      action: 'fails',
      attributes: ['tier'],
      rules: expect.arrayContaining(['tf-cbd-name-clash', 'gcp-memorystore-tier', 'cache-revision']),
    });
    expect(c?.advice).toMatch(/^set cache\.revision: 1 in the same change/);
  });

  test('GCP BASIC → STANDARD_HA with cache.revision: 1: a create-before-destroy replacement, a cold cache', () => {
    const [c] = of(report(basic, revised({})), 'gcp', 'google_redis_instance');
    expect(c).toMatchObject({ action: 'replace', risk: 'data-loss', attributes: ['name', 'tier'] });
    expect(c?.rules).toContain('cache-revision');
    expect(c?.reason).toContain('cache.revision 0 → 1 names it shop-api-stg-redis-r1: the new cache is created before');
  });

  test('AWS cluster mode on: fails on the fixed ReplicationGroupId, and the advice names cache.revision: 1', () => {
    const [c] = of(
      report(BASE, { ...BASE, cache: { ...BASE.cache, shards: 4 } }),
      'aws',
      'AWS::ElastiCache::ReplicationGroup',
    );
    expect(c).toMatchObject({ action: 'fails', rules: ['aws-custom-name', 'cache-revision'] });
    expect(c?.advice).toMatch(/^set cache\.revision: 1 in the same change/);
  });

  test('AWS cluster mode on with cache.revision: 1: CloudFormation replaces it, the new group first, a cold cache', () => {
    const [c] = of(report(BASE, revised({ shards: 4 })), 'aws', 'AWS::ElastiCache::ReplicationGroup');
    expect(c).toMatchObject({ action: 'replace', risk: 'data-loss', rules: ['cache-revision'] });
    expect(c?.attributes).toContain('ReplicationGroupId');
    expect(c?.reason).toContain(
      'names it shop-api-stg-redis-r1: the new cache is created before the old one is deleted',
    );
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

describe('the database roles job and credential rotation', () => {
  test('GIVEN appCredentialGeneration 0 → 1 THEN only the inactive login’s password changes, the jobs re-run: exit 0', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, appCredentialGeneration: 1 } });
    expect(of(r, 'gcp', 'google_compute_instance')).toEqual([
      expect.objectContaining({ action: 'replace', risk: 'none', rules: ['tf-force-new', 'tf-one-shot-job'] }),
    ]);
    expect(of(r, 'azure', 'azurerm_container_group')).toEqual([
      expect.objectContaining({ action: 'replace', risk: 'none', rules: expect.arrayContaining(['tf-one-shot-job']) }),
    ]);
    for (const cloud of ['gcp', 'azure'] as const) {
      expect(of(r, cloud, 'random_password')).toEqual([
        expect.objectContaining({ action: 'replace', risk: 'none', rules: ['tf-force-new', 'tf-keepers'] }),
      ]);
    }
    expect(exitCodeOf(r)).toBe(0);
  });

  test('GIVEN a shard added THEN the GCP job VM is re-created to run on the new primary too (harmless)', () => {
    const r = report(BASE, { ...BASE, database: { ...BASE.database, shards: 2 } });
    expect(of(r, 'gcp', 'google_compute_instance')[0]).toMatchObject({ action: 'replace', risk: 'none' });
    expect(of(r, 'gcp', 'google_compute_instance')[0]?.reason).toContain('runs again');
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
