import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type {
  SqlDatabaseInstanceConfig,
  SqlDatabaseInstanceSettings,
} from '@cdktf/provider-google/lib/sql-database-instance';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { loadSpec } from '../../lib/load';
import type { ResolvedSpec } from '../../lib/resolve';
import type { Spec } from '../../lib/spec';
import { applyCompanyRules, GcpBlueprint, type GcpBlueprintProps, GcpBlueprintStack } from '../../stacks/gcp-stack';
import { EXAMPLE_SPEC_PATH, presetSpec, resolved } from '../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = any;

/** A stack of the user's with the blueprint in it; `before` adds what the user has first. */
function userStack(props: Partial<GcpBlueprintProps>, before?: (stack: TerraformStack) => void): Json {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'team-stack');
  before?.(stack);
  new GcpBlueprint(stack, 'Backend', { spec: resolved('staging'), ...props });
  return JSON.parse(Testing.synth(stack));
}

const addressesOf = (tf: Json): string[] =>
  Object.entries(tf.resource as Record<string, object>).flatMap(([t, byId]) =>
    Object.keys(byId).map((i) => `${t}.${i}`),
  );
const bodies = (tf: Json, type: string): Json[] => Object.values(tf.resource[type] ?? {});
/** The Terraform reference to the team VPC's id, as cdktf renders it. */
const TEAM_VPC_ID = ['$', '{google_compute_network.shared-vpc.id}'].join('');
/** An instance config with some settings changed. */
const withSettings = (
  p: SqlDatabaseInstanceConfig,
  patch: Partial<SqlDatabaseInstanceSettings>,
): SqlDatabaseInstanceConfig => ({
  ...p,
  settings: { ...(p.settings as SqlDatabaseInstanceSettings), ...patch },
});

/** The team's network as a GcpNetworkRef. */
function teamNetwork(stack: TerraformStack) {
  const vpc = new ComputeNetwork(stack, 'shared-vpc', { name: 'acme-shared', autoCreateSubnetworks: false });
  return {
    vpcId: vpc.id,
    subnetId: 'projects/acme/regions/us-central1/subnetworks/apps',
    servicesRangeName: 'acme-services',
    privateServiceAccess: [],
    appTag: 'shop-app',
  };
}

describe('GcpBlueprint', () => {
  test('GIVEN the stack wrapper WHEN synthesized THEN every address is the construct-form address without "Default" (ids unchanged)', () => {
    const spec = resolved('prod');
    const app = Testing.app();
    const wrapped = JSON.parse(Testing.synth(new GcpBlueprintStack(app, 'shop-api-prod-gcp', { spec })));
    const plain = new TerraformStack(app, 'plain');
    new GcpBlueprint(plain, 'Default', { spec });
    const direct = JSON.parse(Testing.synth(plain));
    expect(addressesOf(wrapped).sort()).toEqual(addressesOf(direct).sort());
    expect(addressesOf(wrapped).some((a) => a.includes('Default'))).toBe(false);
    expect(wrapped.resource.google_sql_database_instance.database_primary_D3810515.name).toBe('shop-api-prd-pg');
  });

  test('GIVEN a stack that has its own google provider WHEN the blueprint is added THEN it adds no second one, and adds random once', () => {
    const tf = userStack({}, (stack) => new GoogleProvider(stack, 'google', { project: 'acme-shared' }));
    expect(tf.provider.google).toEqual([{ project: 'acme-shared' }]);
    expect(tf.provider.random).toEqual([{}]);
  });

  test('GIVEN a stack without providers WHEN the blueprint is added THEN it adds google with the spec region and labels', () => {
    const tf = userStack({});
    expect(tf.provider.google).toHaveLength(1);
    expect(tf.provider.google[0].region).toBe('us-central1');
    expect(tf.provider.google[0].default_labels.app).toBe('shop-api');
  });

  test('GIVEN a brought network WHEN synthesized THEN no network is created, the app firewall goes into the brought VPC limited to the app tag, and the data tier uses it', () => {
    const tf = userStack({}, () => undefined);
    const app = Testing.app();
    const stack = new TerraformStack(app, 'team');
    new GcpBlueprint(stack, 'Backend', { spec: resolved('staging'), network: teamNetwork(stack) });
    const byo = JSON.parse(Testing.synth(stack));
    expect(Object.keys(byo.resource.google_compute_network)).toEqual(['shared-vpc']);
    for (const type of [
      'google_compute_subnetwork',
      'google_compute_router_nat',
      'google_service_networking_connection',
    ]) {
      expect({ type, created: type in byo.resource }).toEqual({ type, created: false });
    }
    const rules = bodies(byo, 'google_compute_firewall');
    expect(rules.map((r) => r.name).sort()).toEqual(
      ['shop-api-stg-allow-health-checks', 'shop-api-stg-allow-iap-ssh', 'shop-api-stg-deny-all-ingress'].sort(),
    );
    for (const r of rules) {
      expect(r.network).toBe(TEAM_VPC_ID);
      expect(r.target_tags).toEqual(['shop-app']);
    }
    const primary = bodies(byo, 'google_sql_database_instance').find((i) => i.name === 'shop-api-stg-pg');
    expect(primary.settings.ip_configuration.private_network).toBe(TEAM_VPC_ID);
    expect(primary.settings.ip_configuration.allocated_ip_range).toBe('acme-services');
    const job = bodies(byo, 'google_compute_instance')[0];
    expect(job.depends_on.some((d: string) => d.includes('router_nat'))).toBe(false);
    // The created network's deny-all rule stays VPC-wide (its VPC is the app's alone).
    const own = bodies(tf, 'google_compute_firewall').find((r) => r.name === 'shop-api-stg-deny-all-ingress');
    expect(own.target_tags).toBeUndefined();
  });

  test('GIVEN instance hooks WHEN synthesized THEN `instance` reaches the primary and every replica, `replica` only the one it picks', () => {
    const tf = userStack({
      spec: resolved('staging', { database: { readReplicas: 2 } }),
      overrides: {
        database: {
          instance: (p) => withSettings(p, { userLabels: { ...p.settings?.userLabels, tier: 'gold' } }),
          replica: (p, at) => (at.replica === 2 ? withSettings(p, { tier: 'db-custom-8-32768' }) : p),
          primary: (p, at) => (at.shard === 0 ? withSettings(p, { activationPolicy: 'ALWAYS' }) : p),
        },
      },
    });
    const byName = Object.fromEntries(bodies(tf, 'google_sql_database_instance').map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['shop-api-stg-pg', 'shop-api-stg-pg-r1', 'shop-api-stg-pg-r2']);
    for (const i of Object.values(byName) as Json[]) expect(i.settings.user_labels.tier).toBe('gold');
    expect(byName['shop-api-stg-pg-r2'].settings.tier).toBe('db-custom-8-32768');
    expect(byName['shop-api-stg-pg-r1'].settings.tier).toBe(byName['shop-api-stg-pg'].settings.tier);
    expect(byName['shop-api-stg-pg'].settings.activation_policy).toBe('ALWAYS');
    expect(byName['shop-api-stg-pg-r1'].settings.activation_policy).toBeUndefined();
    // Nothing else moved: the primary keeps its HA, backups and flags.
    expect(byName['shop-api-stg-pg'].settings.backup_configuration.point_in_time_recovery_enabled).toBe(true);
    expect(byName['shop-api-stg-pg-r2'].settings.database_flags).toEqual(
      byName['shop-api-stg-pg'].settings.database_flags,
    );
  });

  test('GIVEN brought notification channels WHEN synthesized THEN no email channel is created and every policy notifies them', () => {
    const pager = 'projects/acme/notificationChannels/123';
    const tf = userStack({ notificationChannelIds: [pager] });
    expect(tf.resource.google_monitoring_notification_channel).toBeUndefined();
    const policies = bodies(tf, 'google_monitoring_alert_policy');
    expect(policies.length).toBeGreaterThan(5);
    for (const p of policies) expect(p.notification_channels).toEqual([pager]);
    const own = userStack({});
    expect(bodies(own, 'google_monitoring_notification_channel')).toHaveLength(1);
  });

  test("GIVEN company rules WHEN synthesized THEN every derived name has the prefix and every labelled resource, the team's own too, carries the tags", () => {
    const tf = userStack({ companyRules: { namePrefix: 'acme', tags: { 'cost-center': 'cc-1' } } }, (stack) => {
      new StorageBucket(stack, 'team-bucket', { name: 'acme-team-assets', location: 'US', labels: { owner: 'web' } });
      applyCompanyRules(stack, { tags: { 'cost-center': 'cc-1' } });
    });
    const sql = bodies(tf, 'google_sql_database_instance').map((i) => i.name);
    expect(sql.every((n: string) => n.startsWith('acme-shop-api-stg'))).toBe(true);
    expect(bodies(tf, 'google_redis_instance')[0].name).toBe('acme-shop-api-stg-redis');
    expect(tf.resource.google_storage_bucket['team-bucket'].labels).toEqual({ owner: 'web', 'cost-center': 'cc-1' });
    expect(bodies(tf, 'google_compute_global_address')[0].labels['cost-center']).toBe('cc-1');
    expect(tf.provider.google[0].default_labels['cost-center']).toBe('cc-1');
  });

  test('GIVEN company rules whose prefix breaks a name limit, or bad tags WHEN the blueprint is built THEN it refuses with every problem', () => {
    expect(() => userStack({ companyRules: { namePrefix: 'a-very-long-company-prefix', tags: { Bad: 'X' } } })).toThrow(
      /companyRules: invalid spec \(\d+ problems\)[\s\S]*companyRules\.tags: key "Bad"[\s\S]*companyRules\.tags\.Bad[\s\S]*companyRules\.namePrefix: with the prefix, name gives the GCP/,
    );
  });

  test('GIVEN the spec as loadSpec returns it, or written in TypeScript WHEN the blueprint is built THEN both work; a failed load or an invalid spec is refused with every problem', () => {
    const app = Testing.app();
    new GcpBlueprint(new TerraformStack(app, 'a'), 'B', { spec: loadSpec(EXAMPLE_SPEC_PATH) });
    const written: Spec = presetSpec('staging');
    const b = new GcpBlueprint(new TerraformStack(app, 'b'), 'B', { spec: written });
    expect((b.spec as ResolvedSpec).names.base).toBe('shop-api-stg');
    expect(() => new GcpBlueprint(new TerraformStack(app, 'c'), 'B', { spec: loadSpec('missing.yaml') })).toThrow(
      /missing\.yaml: invalid spec \(1 problem\)\n {2}- missing\.yaml: cannot read the spec: no such file/,
    );
    const bad = { ...written, compute: { ...written.compute, minInstances: 5, maxInstances: 2 } } as Spec;
    expect(() => new GcpBlueprint(new TerraformStack(app, 'd'), 'B', { spec: bad })).toThrow(
      /spec: invalid spec \(1 problem\)\n {2}- compute\.minInstances: must not exceed compute\.maxInstances/,
    );
  });
});
