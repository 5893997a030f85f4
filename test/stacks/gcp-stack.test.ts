import { GcsBackend, Testing } from 'cdktf';
import { OUTPUT_NAMES } from '../../lib/constants';
import { stackName } from '../../lib/naming';
import type { ResolvedSpec } from '../../lib/resolve';
import { GcpBlueprintStack, type GcpBlueprintStackProps } from '../../stacks/gcp-stack';
import { resolved } from '../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = any;

function synth(spec: ResolvedSpec, overrides?: GcpBlueprintStackProps['overrides']): Json {
  const app = Testing.app();
  const stack = new GcpBlueprintStack(app, stackName(spec.name, spec.environment, 'gcp'), {
    spec,
    ...(overrides ? { overrides } : {}),
  });
  return JSON.parse(Testing.synth(stack));
}

/** Every resource as `type.address` -> its body. */
function addresses(tf: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [type, byId] of Object.entries(tf.resource as Record<string, Record<string, Json>>)) {
    for (const [id, body] of Object.entries(byId)) out.set(`${type}.${id}`, body);
  }
  return out;
}

/**
 * Terraform addresses of stateful resources. Changing one of these in code replaces (destroys)
 * the resource in every deployed stack: these strings must never change.
 */
const PINNED: Record<string, string> = {
  'google_compute_network.network_vpc_4E8F0223': 'shop-api-prd-vpc',
  'google_compute_subnetwork.network_subnet_E45498CD': 'shop-api-prd-app',
  'google_compute_global_address.network_services-range_2B55ACE7': 'shop-api-prd-services',
  'google_service_networking_connection.network_services-connection_4589DE13': '',
  'google_compute_global_address.load-balancer_address_32FC4C5D': 'shop-api-prd-lb',
  'google_sql_database_instance.database_primary_D3810515': 'shop-api-prd-pg',
  'google_sql_database_instance.database_replica-r1_2B5C8FBF': 'shop-api-prd-pg-r1',
  'google_sql_database_instance.database_replica-r2_6CD7EB30': 'shop-api-prd-pg-r2',
  'google_sql_database.database_7CF902CB': 'app',
  'google_sql_user.database_admin_0BC5F70D': 'app_admin',
  'random_password.database_password_22A6A8E7': '',
  'google_redis_instance.cache_redis_F9D2CAF5': 'shop-api-prd-redis',
  'google_secret_manager_secret.secrets_database_F0136606': 'shop-api-prd-database',
  'google_secret_manager_secret.secrets_cache_86F821A9': 'shop-api-prd-cache',
  'google_secret_manager_secret_version.secrets_database-version_3E7833E6': '',
  'google_secret_manager_secret_version.secrets_cache-version_FE797F9C': '',
  'random_password.database_app-password_1BA3BB5D': '',
  'random_password.database_app-password-clone_3BA27E76': '',
  'google_secret_manager_secret.secrets_database-app_31DD7821': 'shop-api-prd-database-app',
  'google_secret_manager_secret.secrets_database-logins_80578A65': 'shop-api-prd-database-logins',
  'google_dns_managed_zone.database_dns_zone_06BD805A': 'shop-api-prd-db',
};

/** Addresses of shard 1 and of a third replica once they exist; they too must stay put as the spec grows. */
const PINNED_GROWN: Record<string, string> = {
  'google_sql_database_instance.database_primary-s1_17B3E448': 'shop-api-prd-pg-s1',
  'google_sql_database_instance.database_replica-s1-r1_F55D91FD': 'shop-api-prd-pg-s1-r1',
  'google_sql_database_instance.database_replica-r3_C24CAFFC': 'shop-api-prd-pg-r3',
  'google_secret_manager_secret.secrets_database-s1_1D737896': 'shop-api-prd-database-s1',
  'google_secret_manager_secret.secrets_database-app-s1_E15C4108': 'shop-api-prd-database-app-s1',
  'random_password.database_app-password-s1_344BE340': '',
};

const nameOf = (body: Json): string => body.name ?? body.secret_id ?? '';

function expectPinned(tf: Json, pinned: Record<string, string>): void {
  const all = addresses(tf);
  for (const [address, name] of Object.entries(pinned)) {
    expect({ address, present: all.has(address) }).toEqual({ address, present: true });
    expect({ address, name: nameOf(all.get(address)) }).toEqual({ address, name });
  }
}

describe('GcpBlueprintStack', () => {
  describe.each(['dev', 'staging', 'prod'] as const)('GIVEN the %s preset', (env) => {
    const tf = synth(resolved(env));

    it('WHEN synthesized THEN it matches the reviewed snapshot', () => {
      expect(tf).toMatchSnapshot();
    });

    it('WHEN synthesized THEN no managed instance group sets a target size', () => {
      for (const g of Object.values(tf.resource.google_compute_region_instance_group_manager) as Json[]) {
        expect(g.target_size).toBeUndefined();
      }
    });

    it('WHEN synthesized THEN the VM boot script carries references, never secret values', () => {
      for (const t of Object.values(tf.resource.google_compute_region_instance_template) as Json[]) {
        const script: string = t.metadata['startup-script'];
        expect(script).not.toMatch(/random_password|auth_string|secret_data/);
        expect(script).toMatch(
          /DATABASE_SECRET=\$\{google_secret_manager_secret\.secrets_database-app_[0-9A-F]+\.id\}/,
        );
        expect(script).toMatch(/CACHE_SECRET=\$\{google_secret_manager_secret\.secrets_cache_[0-9A-F]+\.id\}/);
      }
    });
  });

  describe('GIVEN the example spec', () => {
    const spec = resolved('example');
    const tf = synth(spec);

    it('WHEN synthesized THEN it outputs exactly the contract names, none sensitive', () => {
      expect(Object.keys(tf.output).sort()).toEqual([...OUTPUT_NAMES].sort());
      for (const output of Object.values(tf.output) as Json[]) expect(output.sensitive).toBeUndefined();
      expect(tf.output.LOAD_BALANCER_URL.value).toBe('https://api.shop.example.com');
      // Names of the private zone, not addresses: a replica change moves a record, not the contract.
      expect(tf.output.DATABASE_WRITER_HOST.value).toBe('writer.db.shop-api-prd.internal');
      expect(tf.output.DATABASE_READER_HOSTS.value).toBe('reader.db.shop-api-prd.internal');
      expect(JSON.parse(tf.output.DATABASE_SHARD_MAP.value)).toEqual([
        {
          shard: 0,
          writer: 'writer.db.shop-api-prd.internal',
          readers: ['reader.db.shop-api-prd.internal'],
          secret: expect.stringMatching(/secrets_database-app_[0-9A-F]+\.id/),
        },
      ]);
      expect(tf.output.DATABASE_SECRET.value).toMatch(/secrets_database-app_[0-9A-F]+\.id/);
      expect(tf.output.CACHE_PORT.value).toMatch(/google_redis_instance\.cache_redis_[0-9A-F]+\.port/);
    });

    it('WHEN synthesized THEN the providers take region and labels from the spec, label keys as written', () => {
      expect(tf.provider.google).toEqual([
        {
          region: 'us-central1',
          default_labels: {
            app: 'shop-api',
            environment: 'prod',
            'managed-by': 'scaling-blueprint',
            team: 'payments',
            'cost-center': 'cc-4411',
          },
        },
      ]);
      expect(tf.provider.random).toEqual([{}]);
    });

    it("WHEN synthesized THEN Terraform state goes to the spec's GCS bucket under its prefix", () => {
      expect(tf.terraform.backend).toEqual({ gcs: { bucket: 'shop-terraform-state', prefix: 'shop-api/prod' } });
    });

    it('GIVEN a second shard WHEN synthesized THEN the existing secret grants keep their addresses', () => {
      const grants = (t: Json) =>
        Object.fromEntries(
          Object.entries(t.resource.google_secret_manager_secret_iam_member as Record<string, Json>).map(([k, v]) => [
            k,
            v.secret_id,
          ]),
        );
      const before = grants(tf);
      const after = grants(synth(resolved('example', { database: { shards: 2 } })));
      // VMs: both app secrets and the cache; the roles job: admin, logins, app read and app add, per shard.
      expect(Object.keys(after)).toHaveLength(3 + 4 * 2);
      // Each grant present before still points at the same secret: none is re-pointed (destroy + create).
      expect(after).toMatchObject(before);
    });

    it('WHEN synthesized THEN the VMs may read exactly the app database secret and the cache secret, never the admin one', () => {
      const vmAccess = Object.entries(tf.resource.google_secret_manager_secret_iam_member as Record<string, Json>)
        .filter(([k]) => k.startsWith('compute_'))
        .map(([, a]) => a);
      expect(vmAccess.map((a) => a.secret_id).sort()).toEqual([
        expect.stringMatching(/secrets_cache_/),
        expect.stringMatching(/secrets_database-app_/),
      ]);
      for (const a of vmAccess) expect(a.role).toBe('roles/secretmanager.secretAccessor');
    });

    it('WHEN synthesized THEN the admin and logins secrets are read only by the roles job', () => {
      const readers = (secret: RegExp) =>
        (Object.entries(tf.resource.google_secret_manager_secret_iam_member) as Array<[string, Json]>)
          .filter(([, a]) => secret.test(a.secret_id))
          .map(([k]) => k.replace(/_[0-9A-F]{8}$/, ''));
      expect(readers(/secrets_database_[0-9A-F]+\.id/)).toEqual(['database-roles_secret-admin']);
      expect(readers(/secrets_database-logins_/)).toEqual(['database-roles_secret-logins']);
    });

    it("WHEN synthesized THEN group-at-max fires at the sum of the groups' autoscaler maxima", () => {
      const max = (Object.values(tf.resource.google_compute_region_autoscaler) as Json[]).reduce(
        (n, a) => n + a.autoscaling_policy.max_replicas,
        0,
      );
      const policy = (Object.values(tf.resource.google_monitoring_alert_policy) as Json[]).find((p) =>
        p.display_name.endsWith('group-at-max'),
      );
      expect(policy.conditions[0].condition_threshold.threshold_value).toBe(max);
      expect(max).toBe(12);
    });

    it('WHEN synthesized THEN the roles job runs in the first group zone and its failure alerts', () => {
      const [vm] = Object.values(tf.resource.google_compute_instance) as Json[];
      expect(vm.zone).toBe('us-central1-a');
      const alert = (Object.values(tf.resource.google_monitoring_alert_policy) as Json[]).find((p) =>
        p.display_name.endsWith('roles-job-failed'),
      );
      expect(alert.conditions[0].condition_matched_log.filter).toContain('FAILED on shop-api-prd-db-roles');
    });

    it('WHEN synthesized THEN both instance groups are backends of the app and CDN backend services', () => {
      for (const b of Object.values(tf.resource.google_compute_backend_service) as Json[]) {
        expect(b.backend.map((x: Json) => x.group)).toEqual([
          expect.stringMatching(/compute_group_[0-9A-F]+\.instance_group/),
          expect.stringMatching(/compute_spot-group_[0-9A-F]+\.instance_group/),
        ]);
      }
    });
  });

  describe('apps keep their endpoints', () => {
    const scripts = (readReplicas: number) =>
      (
        Object.values(
          synth(resolved('prod', { database: { readReplicas } })).resource.google_compute_region_instance_template,
        ) as Json[]
      )
        .map((t) => t.metadata['startup-script'])
        .sort();

    it.each([
      [1, 3],
      [3, 1],
      [0, 2],
    ])(
      'GIVEN %i read replicas WHEN the spec has %i THEN every startup script is identical (no VM rolls)',
      (from, to) => {
        expect(scripts(to)).toEqual(scripts(from));
      },
    );
  });

  describe('Terraform state', () => {
    it('GIVEN no remote state in the spec WHEN synthesized THEN a local file given relative to the stack directory', () => {
      const tf = synth(resolved('dev'));
      // The same on every machine: beside the synth output directory (the project root for cdktf.out).
      expect(tf.terraform.backend.local.path).toBe('../../../terraform.shop-api-dev-gcp.tfstate');
    });

    it('GIVEN a backend prop WHEN synthesized THEN it replaces the spec choice', () => {
      const app = Testing.app();
      const spec = resolved('example');
      const stack = new GcpBlueprintStack(app, 'shop-api-prod-gcp', {
        spec,
        backend: (s) => new GcsBackend(s, { bucket: 'other-bucket', prefix: 'x' }),
      });
      expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({
        gcs: { bucket: 'other-bucket', prefix: 'x' },
      });
    });
  });

  it('GIVEN a project in the spec WHEN synthesized THEN the provider uses it', () => {
    const tf = synth(resolved('dev', { accounts: { gcp: 'acme-shop-dev' } }));
    expect(tf.provider.google[0].project).toBe('acme-shop-dev');
  });

  it('GIVEN a provider override WHEN synthesized THEN it applies, labels included', () => {
    const tf = synth(resolved('dev'), {
      provider: (p) => ({ ...p, defaultLabels: { ...p.defaultLabels, 'owner-team': 'x' }, userProjectOverride: true }),
    });
    expect(tf.provider.google[0].default_labels['owner-team']).toBe('x');
    expect(tf.provider.google[0].user_project_override).toBe(true);
  });

  it('GIVEN a clustered cache WHEN synthesized THEN the VMs get the Redis IAM role and CACHE_SECRET keeps its address', () => {
    const tf = synth(resolved('prod', { cache: { shards: 3 } }));
    const roles = (Object.values(tf.resource.google_project_iam_member) as Json[]).map((m) => m.role);
    expect(roles).toContain('roles/redis.dbConnectionUser');
    expect(tf.resource.google_redis_instance).toBeUndefined();
    expect(tf.resource.google_secret_manager_secret.secrets_cache_86F821A9.secret_id).toBe('shop-api-prd-cache');
  });

  describe('stateful identity', () => {
    it('GIVEN the prod preset WHEN synthesized THEN every stateful resource sits at its pinned address', () => {
      expectPinned(synth(resolved('prod')), PINNED);
    });

    it('GIVEN the spec grows (replicas, shards, sizes, instances, spot, CDN, https, WAF) WHEN synthesized THEN nothing pinned moves', () => {
      const grown = resolved('prod', {
        database: { readReplicas: 3, shards: 2, size: 'large', storageGiB: 500 },
        cache: { replicasPerShard: 3, size: 'large' },
        compute: { maxInstances: 40, minInstances: 4, size: 'xlarge', spotPercent: 30 },
        cdn: { enabled: true },
        loadBalancer: { https: { domain: 'api.example.com' }, waf: true },
        network: { zones: 3 },
      });
      const tf = synth(grown);
      expectPinned(tf, PINNED);
      expectPinned(tf, PINNED_GROWN);
      // In-place changes only: the cache stays the same product and tier.
      expect(tf.resource.google_redis_instance.cache_redis_F9D2CAF5.tier).toBe('STANDARD_HA');
    });

    it('GIVEN the grown spec grows again WHEN synthesized THEN shard 1 and replica 3 keep their addresses too', () => {
      const tf = synth(resolved('prod', { database: { readReplicas: 5, shards: 4 } }));
      expectPinned(tf, PINNED);
      expectPinned(tf, PINNED_GROWN);
    });

    it('GIVEN a dev cache gaining its first replica WHEN synthesized THEN the address stays, the tier changes (documented replacement)', () => {
      const before = synth(resolved('dev')).resource.google_redis_instance;
      const after = synth(resolved('dev', { cache: { replicasPerShard: 1 } })).resource.google_redis_instance;
      expect(Object.keys(after)).toEqual(Object.keys(before));
      const id = Object.keys(before)[0] ?? '';
      expect([before[id].tier, after[id].tier]).toEqual(['BASIC', 'STANDARD_HA']);
    });
  });
});
