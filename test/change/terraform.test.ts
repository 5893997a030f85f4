import { planTerraform } from '../../lib/change/terraform';
import type { Change, TerraformConfig } from '../../lib/change/types';

/*
 * The Terraform planner on small hand-made configurations of real resource types, so each rule
 * meets the provider facts it relies on (google 6.50, azurerm 4.55 schema tables).
 */

type Resources = NonNullable<TerraformConfig['resource']>;
const tf = (resource: Resources): TerraformConfig => ({ resource });
const clone = <T>(v: T): T => structuredClone(v);
/** A Terraform interpolation as CDKTF writes it. */
const ref = (expr: string) => ['$', '{', expr, '}'].join('');
const find = (changes: Change[], resource: string) => changes.find((c) => c.resource === resource);

const network = { name: 'n', auto_create_subnetworks: false };
const subnet = {
  name: 's',
  network: ref('google_compute_network.net.id'),
  ip_cidr_range: '10.0.0.0/20',
  region: 'us-central1',
};
const template = {
  name_prefix: 'app-',
  machine_type: 'e2-small',
  disk: [{ source_image: 'debian-12', boot: true }],
  network_interface: [{ subnetwork: ref('google_compute_subnetwork.sub.id') }],
  lifecycle: { create_before_destroy: true },
};
const mig = {
  name: 'app',
  base_instance_name: 'app',
  region: 'us-central1',
  distribution_policy_zones: ['us-central1-a', 'us-central1-b'],
  version: [{ name: 'app', instance_template: ref('google_compute_region_instance_template.tpl.self_link') }],
};
const backend = {
  name: 'be',
  backend: [{ group: ref('google_compute_region_instance_group_manager.mig.instance_group') }],
};
const gcp = (): Resources => ({
  google_compute_network: { net: clone(network) },
  google_compute_subnetwork: { sub: clone(subnet) },
  google_compute_region_instance_template: { tpl: clone(template) },
  google_compute_region_instance_group_manager: { mig: clone(mig) },
  google_compute_backend_service: { be: clone(backend) },
});

describe('engine actions from the provider schema', () => {
  test('GIVEN an unchanged config THEN nothing is listed', () => {
    expect(planTerraform(tf(gcp()), tf(gcp())).changes).toEqual([]);
  });

  test('GIVEN a set in another order THEN it is no change; GIVEN another element THEN it is', () => {
    const after = gcp();
    const m = after.google_compute_region_instance_group_manager?.mig as typeof mig;
    m.distribution_policy_zones = ['us-central1-b', 'us-central1-a'];
    expect(planTerraform(tf(gcp()), tf(after)).changes).toEqual([]);
    m.distribution_policy_zones = ['us-central1-a', 'us-central1-b', 'us-central1-c'];
    const c = find(planTerraform(tf(gcp()), tf(after)).changes, 'google_compute_region_instance_group_manager.mig');
    expect(c).toMatchObject({ attributes: ['distribution_policy_zones'] });
  });

  test('GIVEN a non-force-new argument THEN update; a force-new one THEN replace citing the provider file', () => {
    const after = gcp();
    (after.google_compute_backend_service?.be as Record<string, unknown>).timeout_sec = 30;
    expect(find(planTerraform(tf(gcp()), tf(after)).changes, 'google_compute_backend_service.be')).toMatchObject({
      action: 'update',
      attributes: ['timeout_sec'],
      risk: 'none',
    });
    (after.google_compute_backend_service?.be as Record<string, unknown>).name = 'be2';
    const c = find(planTerraform(tf(gcp()), tf(after)).changes, 'google_compute_backend_service.be');
    expect(c).toMatchObject({ action: 'replace', attributes: ['name'] });
    expect(c?.reason).toContain('google 6.50.0 google/services/compute/resource_compute_backend_service.go');
  });

  test('GIVEN lifecycle.ignore_changes (HCL path) THEN that path is not a change', () => {
    const before = tf({
      google_sql_database_instance: { db: { name: 'db', settings: { tier: 'db-f1', disk_size: 10 } } },
    });
    const after = clone(before);
    const db = after.resource?.google_sql_database_instance?.db as Record<string, Record<string, unknown>>;
    (db.settings as Record<string, unknown>).disk_size = 20;
    db.lifecycle = { ignore_changes: ['settings[0].disk_size'] };
    expect(planTerraform(before, after).changes).toEqual([]);
  });

  test('GIVEN a CustomizeDiff condition (subnet CIDR shrink) THEN replace; growth stays in place', () => {
    const before = gcp();
    const grow = gcp();
    (grow.google_compute_subnetwork?.sub as typeof subnet).ip_cidr_range = '10.0.0.0/19';
    expect(find(planTerraform(tf(before), tf(grow)).changes, 'google_compute_subnetwork.sub')?.action).toBe('update');
    const shrink = gcp();
    (shrink.google_compute_subnetwork?.sub as typeof subnet).ip_cidr_range = '10.0.0.0/21';
    expect(find(planTerraform(tf(before), tf(shrink)).changes, 'google_compute_subnetwork.sub')?.action).not.toBe(
      'update',
    );
  });

  test('GIVEN a removed resource THEN delete, with the risk of its class', () => {
    const before = tf({ google_redis_instance: { c: { name: 'c', tier: 'BASIC', memory_size_gb: 1 } } });
    expect(planTerraform(before, tf({})).changes).toEqual([
      expect.objectContaining({ resource: 'google_redis_instance.c', action: 'delete', risk: 'data-loss' }),
    ]);
  });
});

describe('Terraform lifecycle rules', () => {
  test('GIVEN a replaced resource THEN a force-new reference to it replaces the referrer, a plain one updates it', () => {
    const after = gcp();
    (after.google_compute_subnetwork?.sub as typeof subnet).region = 'europe-west1';
    const changes = planTerraform(tf(gcp()), tf(after)).changes;
    // network_interface.subnetwork is ForceNew on the template: it follows the subnet.
    expect(find(changes, 'google_compute_region_instance_template.tpl')).toMatchObject({
      action: 'replace',
      attributes: ['network_interface.subnetwork'],
    });
    // The group sees a new template link: an update (the GCP rolling rule in rules.ts names it).
    expect(find(changes, 'google_compute_region_instance_group_manager.mig')).toMatchObject({
      action: 'update',
      attributes: ['version.instance_template'],
    });
  });

  test('GIVEN create_before_destroy on a dependent THEN a fixed-name dependency that is replaced clashes (fails)', () => {
    const after = gcp();
    (after.google_compute_subnetwork?.sub as typeof subnet).region = 'europe-west1';
    const c = find(planTerraform(tf(gcp()), tf(after)).changes, 'google_compute_subnetwork.sub');
    expect(c).toMatchObject({ action: 'fails', risk: 'fails', rules: expect.arrayContaining(['tf-cbd-name-clash']) });
    expect(c?.reason).toContain('inherited from google_compute_region_instance_template.tpl');
    // Renaming it in the same apply avoids the clash.
    (after.google_compute_subnetwork?.sub as typeof subnet).name = 's2';
    expect(find(planTerraform(tf(gcp()), tf(after)).changes, 'google_compute_subnetwork.sub')?.action).toBe('replace');
  });

  test('GIVEN a replaced group still used by an updated backend service THEN the destroy fails (resource in use)', () => {
    const after = gcp();
    (after.google_compute_region_instance_group_manager?.mig as typeof mig).distribution_policy_zones = [
      'us-central1-a',
      'us-central1-b',
      'us-central1-c',
    ];
    const changes = planTerraform(tf(gcp()), tf(after)).changes;
    const c = find(changes, 'google_compute_region_instance_group_manager.mig');
    expect(c).toMatchObject({
      action: 'fails',
      attributes: ['distribution_policy_zones'],
      rules: expect.arrayContaining(['tf-in-use']),
    });
    expect(c?.reason).toContain('google_compute_backend_service.be');
    expect(c?.reason).toContain('resourceInUseByAnotherResource');
    expect(find(changes, 'google_compute_backend_service.be')).toMatchObject({
      action: 'update',
      attributes: ['backend.group'],
    });
  });

  test('GIVEN prevent_destroy THEN a replacement fails at plan, but a removal is a plain delete', () => {
    const redis = {
      name: 'r',
      location: 'eastus',
      resource_group_name: 'rg',
      sku_name: 'Balanced_B1',
      lifecycle: { prevent_destroy: true },
    };
    const before = tf({ azurerm_managed_redis: { r: clone(redis) } });
    const resized = tf({ azurerm_managed_redis: { r: { ...clone(redis), sku_name: 'Balanced_B3' } } });
    expect(find(planTerraform(before, resized).changes, 'azurerm_managed_redis.r')).toMatchObject({
      action: 'fails',
      attributes: ['sku_name'],
      rules: expect.arrayContaining(['tf-prevent-destroy']),
    });
    const removed = planTerraform(before, tf({})).changes[0];
    expect(removed).toMatchObject({ action: 'delete', risk: 'data-loss' });
    expect(removed?.reason).toContain('prevent_destroy does not apply');
  });

  test('GIVEN deletion_protection on a Cloud SQL instance THEN its delete fails', () => {
    const before = tf({ google_sql_database_instance: { db: { name: 'db', deletion_protection: true } } });
    expect(planTerraform(before, tf({})).changes[0]).toMatchObject({ action: 'fails', rules: ['tf-delete-guard'] });
  });

  test('GIVEN a Managed Redis clustering-policy change THEN the provider update re-creates the database (data lost)', () => {
    const redis = (policy: string) => ({
      name: 'r',
      sku_name: 'Balanced_B1',
      default_database: { clustering_policy: policy },
    });
    const c = planTerraform(
      tf({ azurerm_managed_redis: { r: redis('EnterpriseCluster') } }),
      tf({ azurerm_managed_redis: { r: redis('OSSCluster') } }),
    ).changes[0];
    expect(c).toMatchObject({
      action: 'replace',
      risk: 'data-loss',
      attributes: ['default_database.clustering_policy'],
    });
  });

  test('GIVEN a type without facts THEN it is treated as replaced (conservative), never silently updated', () => {
    const c = planTerraform(
      tf({ google_unknown_thing: { x: { a: 1 } } }),
      tf({ google_unknown_thing: { x: { a: 2 } } }),
    ).changes[0];
    expect(c).toMatchObject({ action: 'replace', rules: ['tf-unknown-type'] });
  });
});

describe('what Terraform plans but shows no change for, and the order it applies in', () => {
  test('GIVEN a changed path in ignore_changes THEN no change, and a note says Terraform keeps the deployed value', () => {
    const zoned = (zones: string[]) => {
      const r = gcp();
      const m = r.google_compute_region_instance_group_manager?.mig as Record<string, unknown>;
      m.distribution_policy_zones = zones;
      m.lifecycle = { ignore_changes: ['distribution_policy_zones'] };
      return tf(r);
    };
    const plan = planTerraform(zoned(['us-central1-a', 'us-central1-b']), zoned(['a', 'b', 'c']));
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /^google_compute_region_instance_group_manager\.mig: distribution_policy_zones changed .*lifecycle\.ignore_changes: Terraform keeps the deployed value$/,
      ),
    ]);
  });

  const records = (ips: string[], cbd: boolean) =>
    tf({
      google_sql_database_instance: Object.fromEntries(
        ips.map((_, i) => [
          `replica${i}`,
          {
            name: `db-r${i}`,
            master_instance_name: 'db',
            ...(cbd ? { lifecycle: { create_before_destroy: true } } : {}),
          },
        ]),
      ),
      google_dns_record_set: {
        reader: {
          name: 'reader.db.internal.',
          type: 'A',
          rrdatas: ips.map((_, i) => ref(`google_sql_database_instance.replica${i}.private_ip_address`)),
        },
      },
    });

  const removed = (cbd: boolean) =>
    find(planTerraform(records(['a', 'b'], cbd), records(['a'], cbd)).changes, 'google_sql_database_instance.replica1');

  test('GIVEN a removed replica that is create_before_destroy in state THEN the record is updated first (harmless)', () => {
    expect(removed(true)).toMatchObject({ action: 'delete', risk: 'none', rules: ['tf-destroy-order'] });
    expect(removed(true)?.reason).toContain('Terraform updates google_dns_record_set.reader first, then deletes it');
  });

  test('GIVEN the same removal without create_before_destroy THEN the reason says nothing orders the two', () => {
    expect(removed(false)).toMatchObject({ action: 'delete', risk: 'none', rules: ['tf-destroy-order'] });
    expect(removed(false)?.reason).toContain('runs the delete and the update of google_dns_record_set.reader at once');
    expect(removed(false)?.advice).toContain('create_before_destroy');
  });

  test('GIVEN only the keepers of a password change THEN a rotation on purpose: the password and what carries it are risk none', () => {
    const side = (generation: string) =>
      tf({
        random_password: { clone: { length: 32, keepers: { generation } } },
        google_secret_manager_secret_version: {
          logins: { secret: 's', secret_data: ref('random_password.clone.result') },
        },
      });
    const changes = planTerraform(side('0'), side('1')).changes;
    expect(find(changes, 'random_password.clone')).toMatchObject({
      action: 'replace',
      risk: 'none',
      rules: ['tf-force-new', 'tf-keepers'],
    });
    expect(find(changes, 'google_secret_manager_secret_version.logins')).toMatchObject({
      action: 'replace',
      risk: 'none',
      rules: expect.arrayContaining(['tf-reference', 'tf-keepers']),
    });
    // Any other replaced password still loses the value its consumers hold.
    const longer = tf({ random_password: { clone: { length: 40, keepers: { generation: '0' } } } });
    expect(
      planTerraform(tf({ random_password: { clone: { length: 32, keepers: { generation: '0' } } } }), longer)
        .changes[0],
    ).toMatchObject({
      risk: 'data-loss',
    });
  });

  test('GIVEN retain_backups_on_delete THEN a deleted Cloud SQL primary says its backups stay (the risk stays: later writes go)', () => {
    const db = (retain: boolean) =>
      tf({
        google_sql_database_instance: {
          db: { name: 'db', settings: { tier: 'db-f1', retain_backups_on_delete: retain } },
        },
      });
    expect(planTerraform(db(true), tf({})).changes[0]).toMatchObject({
      action: 'delete',
      risk: 'data-loss',
      rules: ['tf-delete-keeps'],
    });
    expect(planTerraform(db(false), tf({})).changes[0]?.rules).toEqual([]);
  });
});
