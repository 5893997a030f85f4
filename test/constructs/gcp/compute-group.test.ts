import {
  GcpComputeGroup,
  type GcpComputeGroupProps,
  gcpSpotSplit,
  knownZones,
  MAX_SURGE_FIXED,
} from '../../../constructs/gcp/compute-group';
import { GcpNetwork } from '../../../constructs/gcp/network';
import { ENV_CONTRACT, type EnvContractName } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, resources, synth } from './helpers';

/** A stand-in contract: references, as the stack passes them. */
const ENV = Object.fromEntries(ENV_CONTRACT.map((k) => [k, `ref-${k.toLowerCase()}`])) as Record<
  EnvContractName,
  string
>;

function group(spec: ResolvedSpec, props: Partial<GcpComputeGroupProps> = {}): Json {
  return synth((scope) => {
    const network = new GcpNetwork(scope, 'network', { spec });
    new GcpComputeGroup(scope, 'compute', { spec, network, env: ENV, ...props });
  });
}
const templates = (tf: Json) => resources(tf, 'google_compute_region_instance_template');
const groups = (tf: Json) => resources(tf, 'google_compute_region_instance_group_manager');
const autoscalers = (tf: Json) => resources(tf, 'google_compute_region_autoscaler');
const byName = (list: Json[], name: string) => list.find((r) => r.name === name);

describe('GcpComputeGroup', () => {
  it('GIVEN app env values with Terraform template syntax WHEN synthesized THEN they arrive verbatim (escaped), references stay', () => {
    const tf = group(resolved('prod', { compute: { app: { env: { FMT: `a \${level} %{x} "q"` } } } }));
    const script = templates(tf)[0]?.metadata['startup-script'] as string;
    expect(script).toContain('FMT=a $${level} %%{x} "q"');
    expect(script).toContain('DATABASE_WRITER_HOST=ref-database_writer_host');
  });

  describe('GIVEN the example spec (spot 25%, requests target, a schedule)', () => {
    const spec = resolved('example');
    const tf = group(spec, { secretIds: { database: 'secret-a', cache: 'secret-b' } });

    it('WHEN synthesized THEN templates are shielded, private-only and use the dedicated service account', () => {
      expect(templates(tf)).toHaveLength(2);
      for (const t of templates(tf)) {
        expect(t.shielded_instance_config).toEqual({
          enable_secure_boot: true,
          enable_vtpm: true,
          enable_integrity_monitoring: true,
        });
        expect(t.network_interface).toHaveLength(1);
        expect(t.network_interface[0].access_config).toBeUndefined();
        expect(t.service_account.email).toMatch(/google_service_account\.compute_service-account_[0-9A-F]+\.email/);
        expect(t.service_account.scopes).toEqual(['cloud-platform']);
        expect(t.machine_type).toBe('n2-standard-2');
        expect(t.tags).toEqual(['shop-api-prd-app']);
        expect(t.lifecycle).toEqual({ create_before_destroy: true });
        expect(t.name).toBeUndefined();
        expect(t.disk[0]).toMatchObject({ boot: true, source_image: 'cos-cloud/cos-stable' });
      }
      expect(
        templates(tf)
          .map((t) => t.name_prefix)
          .sort(),
      ).toEqual(['shop-api-prd-', 'shop-api-prd-spot-']);
    });

    it('WHEN synthesized THEN project SSH keys are blocked and OS Login is on', () => {
      for (const t of templates(tf)) {
        expect(t.metadata).toMatchObject({ 'block-project-ssh-keys': 'TRUE', 'enable-oslogin': 'TRUE' });
      }
    });

    it('WHEN synthesized THEN the startup script runs the image with the environment contract, references only', () => {
      const script: string = templates(tf)[0].metadata['startup-script'];
      expect(script).toContain('docker run --detach --name app --restart always');
      expect(script).toContain("'ghcr.io/acme/shop-api:1.4.2'");
      expect(script).toContain('--publish 8080:8080');
      for (const name of ENV_CONTRACT) expect(script).toContain(`${name}=ref-${name.toLowerCase()}`);
      expect(script).toContain('LOG_LEVEL=info');
      // Container-Optimized OS has Docker already.
      expect(script).not.toContain('apt-get');
    });

    it('WHEN synthesized THEN the Spot template is Spot and deleted on preemption, the other standard', () => {
      const spot = templates(tf).find((t) => t.name_prefix.includes('spot'));
      const standard = templates(tf).find((t) => !t.name_prefix.includes('spot'));
      expect(spot.scheduling).toEqual({
        provisioning_model: 'SPOT',
        preemptible: true,
        automatic_restart: false,
        on_host_maintenance: 'TERMINATE',
        instance_termination_action: 'DELETE',
      });
      expect(standard.scheduling.provisioning_model).toBe('STANDARD');
    });

    it('WHEN synthesized THEN no group has a target size: the autoscalers own it', () => {
      expect(groups(tf)).toHaveLength(2);
      for (const g of groups(tf)) {
        expect(g.target_size).toBeUndefined();
        for (const v of g.version) expect(v.target_size).toBeUndefined();
      }
    });

    it('WHEN synthesized THEN both groups spread over the 3 zones with a named port and autohealing', () => {
      for (const g of groups(tf)) {
        expect(g.distribution_policy_zones).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c']);
        expect(g.named_port).toEqual([{ name: 'http', port: 8080 }]);
        expect(g.auto_healing_policies).toEqual({
          health_check: expect.stringMatching(/google_compute_health_check\.compute_autoheal_/),
          initial_delay_sec: 300,
        });
      }
    });

    it('WHEN synthesized THEN updates are proactive and surge one VM per zone before removing any', () => {
      for (const g of groups(tf)) {
        expect(g.update_policy).toMatchObject({
          type: 'PROACTIVE',
          minimal_action: 'REPLACE',
          max_surge_fixed: 3,
          max_unavailable_fixed: 0,
        });
      }
    });

    it('WHEN synthesized THEN the autoscalers split the bounds between on-demand and Spot, one Spot VM kept', () => {
      const onDemand = byName(autoscalers(tf), 'shop-api-prd-autoscaler');
      const spot = byName(autoscalers(tf), 'shop-api-prd-autoscaler-spot');
      // 3-12 at 25 %: the Spot floor moves one VM of the minimum from on-demand to Spot.
      expect(onDemand.autoscaling_policy).toMatchObject({ min_replicas: 2, max_replicas: 9 });
      expect(spot.autoscaling_policy).toMatchObject({ min_replicas: 1, max_replicas: 3 });
      expect(onDemand.autoscaling_policy.max_replicas + spot.autoscaling_policy.max_replicas).toBe(12);
      expect(onDemand.target).toMatch(/compute_group_[0-9A-F]+\.id/);
      expect(spot.target).toMatch(/compute_spot-group_[0-9A-F]+\.id/);
    });

    it('WHEN synthesized THEN they scale on CPU and on load-balancer utilisation, with scale-in control', () => {
      for (const a of autoscalers(tf)) {
        expect(a.autoscaling_policy.cpu_utilization).toEqual({ target: 0.6 });
        expect(a.autoscaling_policy.load_balancing_utilization).toEqual({ target: 1 });
        expect(a.autoscaling_policy.scale_in_control.time_window_sec).toBe(600);
        expect(a.autoscaling_policy.scale_in_control.max_scaled_in_replicas.fixed).toBeGreaterThanOrEqual(1);
      }
    });

    it('WHEN synthesized THEN the schedule raises the minimum in its time zone for its duration', () => {
      const onDemand = byName(autoscalers(tf), 'shop-api-prd-autoscaler');
      expect(onDemand.autoscaling_policy.scaling_schedules).toEqual([
        expect.objectContaining({
          name: 'business-hours',
          schedule: '0 8 * * 1,2,3,4,5',
          time_zone: 'America/New_York',
          duration_sec: 660 * 60,
          min_required_replicas: 3,
        }),
      ]);
      const spot = byName(autoscalers(tf), 'shop-api-prd-autoscaler-spot');
      expect(spot.autoscaling_policy.scaling_schedules[0].min_required_replicas).toBe(1);
    });

    it('WHEN synthesized THEN the service account gets log and metric writing, and reads only the given secrets', () => {
      expect(
        resources(tf, 'google_project_iam_member')
          .map((m) => m.role)
          .sort(),
      ).toEqual(['roles/logging.logWriter', 'roles/monitoring.metricWriter']);
      const access = resources(tf, 'google_secret_manager_secret_iam_member');
      expect(access.map((a) => a.secret_id).sort()).toEqual(['secret-a', 'secret-b']);
      // Keyed by the secret, not by position: a new secret never re-points an existing grant.
      expect(Object.keys(tf.resource.google_secret_manager_secret_iam_member).sort()).toEqual([
        expect.stringMatching(/^compute_secret-access-cache_[0-9A-F]{8}$/),
        expect.stringMatching(/^compute_secret-access-database_[0-9A-F]{8}$/),
      ]);
      for (const a of access) {
        expect(a.role).toBe('roles/secretmanager.secretAccessor');
        expect(a.member).toMatch(/^serviceAccount:\$\{google_service_account\./);
      }
    });
  });

  it('GIVEN no Spot share and no request target WHEN synthesized THEN one group, CPU scaling only, no schedules', () => {
    const tf = group(resolved('prod'));
    expect(templates(tf)).toHaveLength(1);
    expect(groups(tf)).toHaveLength(1);
    const [a] = autoscalers(tf);
    expect(a.autoscaling_policy.min_replicas).toBe(2);
    expect(a.autoscaling_policy.max_replicas).toBe(10);
    expect(a.autoscaling_policy.load_balancing_utilization).toBeUndefined();
    expect(a.autoscaling_policy.scaling_schedules).toBeUndefined();
  });

  it('GIVEN 2 zones in us-east1 WHEN synthesized THEN the region zone table is used', () => {
    const tf = group(resolved('prod', { network: { zones: 2 }, regions: { gcp: 'us-east1' } }));
    const [g] = groups(tf);
    expect(g.distribution_policy_zones).toEqual(['us-east1-b', 'us-east1-c']);
    expect(tf.data).toBeUndefined();
  });

  describe('zones are fixed when a group is created', () => {
    it('GIVEN any spec WHEN synthesized THEN the groups ignore later zone changes instead of being replaced', () => {
      // distribution_policy_zones is ForceNew, and a group that is a backend cannot be deleted mid-apply.
      for (const g of groups(group(resolved('example')))) {
        expect(g.lifecycle).toEqual({ ignore_changes: ['distribution_policy_zones'] });
      }
    });

    it.each([2, 3])(
      'GIVEN %i zones WHEN synthesized THEN the surge fits a group still in 3 zones (0 or >= its zones)',
      (zones) => {
        // A group created with 3 zones keeps them after the spec goes to 2: a surge of 2 would be refused.
        for (const g of groups(group(resolved('example', { network: { zones } })))) {
          expect(g.update_policy.max_surge_fixed).toBe(MAX_SURGE_FIXED);
        }
        expect(MAX_SURGE_FIXED).toBe(3);
      },
    );

    it('GIVEN zone names in the spec WHEN synthesized THEN the groups use them, in order, without a data source', () => {
      const spec = resolved('prod', {
        regions: { gcp: 'me-central2' },
        network: { zones: 2, zoneNames: { gcp: ['me-central2-c', 'me-central2-a'] } },
        compute: { spotPercent: 50 },
      });
      const tf = group(spec);
      expect(groups(tf)).toHaveLength(2);
      for (const g of groups(tf)) expect(g.distribution_policy_zones).toEqual(['me-central2-c', 'me-central2-a']);
      expect(tf.data).toBeUndefined();
    });
  });

  describe('Spot groups always have a VM to measure', () => {
    it('GIVEN the dev preset (1-3 instances, 50 % Spot) WHEN synthesized THEN the Spot autoscaler never goes below one VM', () => {
      // An empty group has no CPU or load-balancer samples, so its autoscaler could never scale it out.
      const spec = resolved('dev');
      expect(spec.compute.spot.spot?.min).toBe(0);
      const spot = byName(autoscalers(group(spec)), 'shop-api-dev-autoscaler-spot');
      expect(spot.autoscaling_policy).toMatchObject({ min_replicas: 1, max_replicas: 1 });
      const onDemand = byName(autoscalers(group(spec)), 'shop-api-dev-autoscaler');
      expect(onDemand.autoscaling_policy).toMatchObject({ min_replicas: 1, max_replicas: 2 });
    });

    it.each([
      [1, 3, 50],
      [3, 12, 25],
      [2, 10, 90],
      [1, 2000, 10],
    ])(
      'GIVEN %i-%i at %i %% WHEN split for GCP THEN Spot keeps 1, on-demand keeps 1, the maxima are the spec split',
      (min, max, spotPercent) => {
        const spec = resolved('prod', { compute: { minInstances: min, maxInstances: max, spotPercent } });
        const split = gcpSpotSplit(spec, min, max);
        expect(split.spot?.min).toBeGreaterThanOrEqual(1);
        expect(split.onDemand.min).toBeGreaterThanOrEqual(1);
        expect([split.onDemand.max, split.spot?.max]).toEqual([
          spec.compute.spot.onDemand.max,
          spec.compute.spot.spot?.max,
        ]);
      },
    );

    it('GIVEN a schedule WHEN synthesized THEN its Spot minimum keeps the floor too', () => {
      const spec = resolved('dev', {
        compute: { scaling: { schedules: [{ name: 'day', cron: '0 8 * * 1-5', minInstances: 1, maxInstances: 3 }] } },
      });
      const spot = byName(autoscalers(group(spec)), 'shop-api-dev-autoscaler-spot');
      expect(spot.autoscaling_policy.scaling_schedules[0].min_required_replicas).toBe(1);
    });
  });

  it('GIVEN a region not in the table WHEN synthesized THEN zones come from the google_compute_zones data source', () => {
    const tf = group(resolved('prod', { regions: { gcp: 'me-central2' } }));
    const zones = Object.values(tf.data.google_compute_zones) as Json[];
    // Every zone, not only those UP: a zone in maintenance must not reshape (replace) the groups.
    expect(zones).toEqual([{ region: 'me-central2' }]);
    expect(groups(tf)[0].distribution_policy_zones).toMatch(
      /^\$\{slice\(data\.google_compute_zones\.compute_zones_[0-9A-F]+\.names, 0, 3\)\}$/,
    );
  });

  it('GIVEN the zone table WHEN asked for more zones than a region has THEN it defers to the data source', () => {
    expect(knownZones('us-central1', 3)).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c']);
    expect(knownZones('europe-west1', 2)).toEqual(['europe-west1-b', 'europe-west1-c']);
    expect(knownZones('nowhere1', 2)).toBeUndefined();
  });

  it('GIVEN Redis Cluster access WHEN synthesized THEN the VMs may connect with IAM', () => {
    const tf = group(resolved('dev'), { redisClusterAccess: true });
    expect(resources(tf, 'google_project_iam_member').map((m) => m.role)).toContain('roles/redis.dbConnectionUser');
  });

  it('GIVEN a Debian image with the apt runtime WHEN synthesized THEN the script installs Docker', () => {
    const tf = group(resolved('dev'), { image: 'debian-cloud/debian-12', runtime: 'apt' });
    const [t] = templates(tf).filter((x) => !x.name_prefix.includes('spot'));
    expect(t.disk[0].source_image).toBe('debian-cloud/debian-12');
    expect(t.metadata['startup-script']).toContain('apt-get install -y docker.io');
  });

  describe('GIVEN an image in a private Artifact Registry repository', () => {
    const image = 'europe-west4-docker.pkg.dev/acme-images/apps/shop/api:2.0.1';
    const spec = resolved('example', { compute: { app: { image } } });
    const tf = group(spec);

    it('WHEN synthesized THEN the service account reads exactly that repository, and the groups wait for the grant', () => {
      const [pull] = resources(tf, 'google_artifact_registry_repository_iam_member');
      expect(resources(tf, 'google_artifact_registry_repository_iam_member')).toHaveLength(1);
      expect(pull).toEqual({
        project: 'acme-images',
        location: 'europe-west4',
        repository: 'apps',
        role: 'roles/artifactregistry.reader',
        member: expect.stringMatching(
          /^serviceAccount:\$\{google_service_account\.compute_service-account_[0-9A-F]+\.email\}$/,
        ),
      });
      expect(Object.keys(tf.resource.google_artifact_registry_repository_iam_member)).toEqual([
        expect.stringMatching(/^compute_image-pull_[0-9A-F]{8}$/),
      ]);
      // Still only logs and metrics project-wide: the read is on the repository.
      expect(resources(tf, 'google_project_iam_member').map((m) => m.role)).not.toContain(
        'roles/artifactregistry.reader',
      );
      for (const g of groups(tf)) {
        expect(g.depends_on).toEqual([
          expect.stringMatching(/^google_artifact_registry_repository_iam_member\.compute_image-pull_[0-9A-F]{8}$/),
        ]);
      }
    });

    it('WHEN synthesized THEN every startup script points Docker at the credential helper under a writable HOME, before the pull', () => {
      expect(templates(tf)).toHaveLength(2);
      for (const t of templates(tf)) {
        const script: string = t.metadata['startup-script'];
        const lines = script.split('\n');
        const home = lines.indexOf('export HOME=/var/lib/blueprint');
        const login = lines.indexOf('docker-credential-gcr configure-docker --registries=europe-west4-docker.pkg.dev');
        expect(home).toBeGreaterThan(lines.indexOf('systemctl start docker'));
        expect(home).toBeGreaterThan(lines.indexOf('mkdir -p /var/lib/blueprint'));
        expect(login).toBe(home + 1);
        expect(login).toBeLessThan(lines.indexOf(`docker pull '${image}'`));
      }
    });

    it('WHEN the image is Debian (apt) THEN gcloud configures Docker instead', () => {
      const [t] = templates(group(spec, { image: 'debian-cloud/debian-12', runtime: 'apt' }));
      expect(t.metadata['startup-script']).toContain(
        'gcloud auth configure-docker europe-west4-docker.pkg.dev --quiet',
      );
      expect(t.metadata['startup-script']).not.toContain('docker-credential-gcr');
    });
  });

  it('GIVEN a public image WHEN synthesized THEN no registry grant, no login and no extra dependency', () => {
    const tf = group(resolved('example'));
    expect(tf.resource.google_artifact_registry_repository_iam_member).toBeUndefined();
    for (const t of templates(tf)) expect(t.metadata['startup-script']).not.toMatch(/HOME=|configure-docker/);
    for (const g of groups(tf)) expect(g.depends_on).toBeUndefined();
  });

  it('GIVEN a schedule name starting with a digit WHEN synthesized THEN the GCP schedule name starts with a letter', () => {
    const spec = resolved('prod', {
      compute: { scaling: { schedules: [{ name: '9to5', cron: '0 9 * * 1-5', minInstances: 4, maxInstances: 8 }] } },
    });
    const [a] = autoscalers(group(spec));
    expect(a.autoscaling_policy.scaling_schedules[0]).toMatchObject({
      name: 's-9to5',
      min_required_replicas: 4,
      time_zone: 'UTC',
      duration_sec: 480 * 60,
    });
  });

  it('GIVEN overrides WHEN synthesized THEN they apply to both templates and groups', () => {
    const tf = group(resolved('dev'), {
      overrides: {
        template: (p) => ({ ...p, minCpuPlatform: 'Intel Ice Lake' }),
        autoscaler: (p) => ({ ...p, autoscalingPolicy: { ...p.autoscalingPolicy, cooldownPeriod: 300 } }),
      },
    });
    expect(templates(tf)).toHaveLength(2);
    for (const t of templates(tf)) expect(t.min_cpu_platform).toBe('Intel Ice Lake');
    for (const a of autoscalers(tf)) expect(a.autoscaling_policy.cooldown_period).toBe(300);
  });
});
