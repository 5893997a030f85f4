import {
  ArtifactRegistryRepositoryIamMember,
  type ArtifactRegistryRepositoryIamMemberConfig,
} from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { ComputeHealthCheck, type ComputeHealthCheckConfig } from '@cdktf/provider-google/lib/compute-health-check';
import {
  ComputeRegionAutoscaler,
  type ComputeRegionAutoscalerAutoscalingPolicyScalingSchedules,
  type ComputeRegionAutoscalerConfig,
} from '@cdktf/provider-google/lib/compute-region-autoscaler';
import {
  ComputeRegionInstanceGroupManager,
  type ComputeRegionInstanceGroupManagerConfig,
} from '@cdktf/provider-google/lib/compute-region-instance-group-manager';
import {
  ComputeRegionInstanceTemplate,
  type ComputeRegionInstanceTemplateConfig,
} from '@cdktf/provider-google/lib/compute-region-instance-template';
import { DataGoogleComputeZones } from '@cdktf/provider-google/lib/data-google-compute-zones';
import { ProjectIamMember, type ProjectIamMemberConfig } from '@cdktf/provider-google/lib/project-iam-member';
import {
  SecretManagerSecretIamMember,
  type SecretManagerSecretIamMemberConfig,
} from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount, type ServiceAccountConfig } from '@cdktf/provider-google/lib/service-account';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { BOOT_DIR, bootScript, type ContainerRuntime } from '../../lib/boot';
import type { EnvContractName } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import { type ArtifactRegistry, registryOf } from '../../lib/registry';
import { type Bounds, type ResolvedSpec, type SpotSplit, splitSpot } from '../../lib/resolve';
import type { ResolvedSchedule } from '../../lib/schedules';
import { terraformAttributeText } from '../../lib/terraform-text';
import type { GcpNetworkRef } from './network';

/** Container-Optimized OS: Docker is part of the image, the root file system is read-only. */
export const COS_IMAGE = 'cos-cloud/cos-stable';
/** Named port the load balancer's backend service sends traffic to. */
export const APP_PORT_NAME = 'http';

/**
 * Zone letters per region, in the order zones are used when the spec names none
 * (`network.zoneNames.gcp`). Zone names are not always a, b, c (us-central1 has a, b, c, f;
 * us-east1 and europe-west1 start at b). Regions not listed here take their first zones from the
 * `google_compute_zones` data source at plan time. Either way a group keeps the zones it was
 * created with (the groups ignore later zone changes).
 */
export const GCP_ZONE_LETTERS: Readonly<Record<string, readonly string[]>> = {
  'us-central1': ['a', 'b', 'c', 'f'],
  'us-east1': ['b', 'c', 'd'],
  'us-east4': ['a', 'b', 'c'],
  'us-east5': ['a', 'b', 'c'],
  'us-south1': ['a', 'b', 'c'],
  'us-west1': ['a', 'b', 'c'],
  'us-west2': ['a', 'b', 'c'],
  'us-west3': ['a', 'b', 'c'],
  'us-west4': ['a', 'b', 'c'],
  'northamerica-northeast1': ['a', 'b', 'c'],
  'northamerica-northeast2': ['a', 'b', 'c'],
  'southamerica-east1': ['a', 'b', 'c'],
  'europe-west1': ['b', 'c', 'd'],
  'europe-west2': ['a', 'b', 'c'],
  'europe-west3': ['a', 'b', 'c'],
  'europe-west4': ['a', 'b', 'c'],
  'europe-west6': ['a', 'b', 'c'],
  'europe-west8': ['a', 'b', 'c'],
  'europe-west9': ['a', 'b', 'c'],
  'europe-north1': ['a', 'b', 'c'],
  'europe-central2': ['a', 'b', 'c'],
  'europe-southwest1': ['a', 'b', 'c'],
  'asia-east1': ['a', 'b', 'c'],
  'asia-east2': ['a', 'b', 'c'],
  'asia-northeast1': ['a', 'b', 'c'],
  'asia-northeast2': ['a', 'b', 'c'],
  'asia-northeast3': ['a', 'b', 'c'],
  'asia-south1': ['a', 'b', 'c'],
  'asia-southeast1': ['a', 'b', 'c'],
  'asia-southeast2': ['a', 'b', 'c'],
  'australia-southeast1': ['a', 'b', 'c'],
};

/**
 * A regional group's fixed surge must be 0 or at least its number of zones. The zones are fixed
 * when a group is created (see `zones` below), so a group may keep more zones than the spec now
 * names; the spec allows at most 3 (network.zones), so a surge of 3 fits every group.
 */
export const MAX_SURGE_FIXED = 3;

/**
 * Fewest VMs the Spot group keeps. The autoscaler's CPU and load-balancing signals are
 * per-instance metrics, and the Compute Engine autoscaler cannot scale a group out of 0 on a
 * per-instance metric (an empty group has no samples). Only per-group Cloud Monitoring metrics
 * scale from 0, and any of them that follows traffic (the on-demand group's size, the load
 * balancer's request count) asks for at least one Spot VM whenever there is traffic, only minutes
 * later: a floor of one does the same at once.
 */
export const SPOT_FLOOR = 1;

/** On-demand and Spot bounds of the GCP groups for [min, max]: the spec's split with the Spot floor. */
export function gcpSpotSplit(spec: ResolvedSpec, min: number, max: number): SpotSplit {
  return splitSpot(min, max, spec.compute.spot.percent, SPOT_FLOOR);
}

/** The first `count` zones of a region from the table, or undefined when the region is not listed. */
export function knownZones(region: string, count: number): string[] | undefined {
  const letters = GCP_ZONE_LETTERS[region];
  if (!letters || letters.length < count) return undefined;
  return letters.slice(0, count).map((l) => `${region}-${l}`);
}

/** Project roles the VM service account gets: write logs and metrics, nothing else project-wide. */
export const VM_PROJECT_ROLES = ['roles/logging.logWriter', 'roles/monitoring.metricWriter'] as const;

/**
 * Lines that let Docker pull from an Artifact Registry host with the VM service account's token. Both
 * helpers only write a credHelpers entry into $HOME/.docker/config.json (no credential is stored: Docker
 * asks the helper, which asks the metadata server, on each pull). Startup scripts run as root without a
 * usable HOME, and on Container-Optimized OS /root is read-only, so HOME points at the blueprint's
 * directory on the writable stateful partition (/var), where the env file already lives; the
 * `docker pull` later in the same script reads the same config. COS ships docker-credential-gcr; other
 * GCE images (Debian, Ubuntu) ship gcloud instead.
 */
export function artifactRegistryLogin(registry: ArtifactRegistry, runtime: ContainerRuntime): string[] {
  return [
    `export HOME=${BOOT_DIR}`,
    runtime === 'preinstalled'
      ? `docker-credential-gcr configure-docker --registries=${registry.host}`
      : `gcloud auth configure-docker ${registry.host} --quiet`,
  ];
}

/** Autoscaler schedules need a name starting with a letter; spec names may start with a digit. */
function scheduleName(name: string): string {
  return /^[a-z]/.test(name) ? name : `s-${name}`;
}

export interface GcpComputeGroupProps {
  /** The resolved spec: machine type, bounds, scaling, spot split, schedules, port, image, env. */
  readonly spec: ResolvedSpec;
  /** The network: VMs get a private IP in its subnet and carry its app tag. */
  readonly network: GcpNetworkRef;
  /** The environment contract (values may be deploy-time tokens); never secret values, only references. */
  readonly env: Readonly<Record<EnvContractName, string>>;
  /**
   * Secret Manager secret ids the VMs may read, by a stable key (e.g. `GcpSecrets.secretIds`); each gets
   * a secret-level accessor grant whose address follows the key, so adding a secret never re-points an
   * existing grant. @default {} (no secret access)
   */
  readonly secretIds?: Readonly<Record<string, string>>;
  /**
   * Grant roles/redis.dbConnectionUser, needed for Redis Cluster IAM authentication. It is bound on
   * the project: Redis Cluster has no resource-level IAM policy (no setIamPolicy, no
   * google_redis_cluster_iam_* in provider 6.50) and IAM Conditions do not recognise resource
   * attributes of redis.googleapis.com, so no binding can name one cluster (docs/gcp.md). @default false
   */
  readonly redisClusterAccess?: boolean;
  /** Boot image (family or image). @default 'cos-cloud/cos-stable' (Container-Optimized OS) */
  readonly image?: string;
  /** How the image gets a container runtime; 'apt' for Debian / Ubuntu images. @default 'preinstalled' */
  readonly runtime?: ContainerRuntime;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The VM service account. */
    readonly serviceAccount?: Override<ServiceAccountConfig>;
    /** Both instance templates (check `namePrefix`). */
    readonly template?: Override<ComputeRegionInstanceTemplateConfig>;
    /** Both managed instance groups (check `name`). */
    readonly group?: Override<ComputeRegionInstanceGroupManagerConfig>;
    /** Both autoscalers (check `name`). */
    readonly autoscaler?: Override<ComputeRegionAutoscalerConfig>;
    /** The autohealing health check. */
    readonly healthCheck?: Override<ComputeHealthCheckConfig>;
  };
}

/**
 * The app VMs: a dedicated service account with only the roles it needs, a shielded,
 * private-only regional instance template running the boot script, a regional managed
 * instance group across the spec's zones with autohealing and proactive rolling updates, and a
 * regional autoscaler (CPU, load-balancer utilisation, schedules, scale-in control). With
 * spotPercent > 0 a second template / group / autoscaler runs Spot VMs with the Spot bounds
 * (never fewer than SPOT_FLOOR, so its autoscaler has samples to scale on); both groups sit
 * behind the same backend service. No target size is ever set: the autoscaler owns it.
 */
export class GcpComputeGroup extends Construct {
  public readonly serviceAccount: ServiceAccount;
  public readonly projectRoles: readonly ProjectIamMember[];
  public readonly secretAccess: readonly SecretManagerSecretIamMember[];
  /** Read on the app image's Artifact Registry repository, when the image is in Artifact Registry. */
  public readonly imagePull?: ArtifactRegistryRepositoryIamMember;
  /** Autohealing health check (separate from, and more patient than, the load balancer's). */
  public readonly healthCheck: ComputeHealthCheck;
  public readonly template: ComputeRegionInstanceTemplate;
  public readonly group: ComputeRegionInstanceGroupManager;
  public readonly autoscaler: ComputeRegionAutoscaler;
  /** Present when the spec has a Spot share. */
  public readonly spotTemplate?: ComputeRegionInstanceTemplate;
  public readonly spotGroup?: ComputeRegionInstanceGroupManager;
  public readonly spotAutoscaler?: ComputeRegionAutoscaler;
  /**
   * Zones the groups spread over when they are created (tokens when neither the spec nor
   * GCP_ZONE_LETTERS names them). A group keeps the zones it was created with: see docs/gcp.md.
   */
  public readonly zones: string[];
  /** On-demand and Spot bounds of the groups (gcpSpotSplit: the spec's split with the Spot floor). */
  public readonly split: SpotSplit;
  /** The boot script every VM runs. */
  public readonly bootScript: string;
  /** Group names (for alarms), on-demand first. */
  public readonly groupNames: readonly string[];

  constructor(scope: Construct, id: string, props: GcpComputeGroupProps) {
    super(scope, id);
    const { spec, network } = props;
    const compute = spec.compute;
    const o = props.overrides ?? {};
    const name = (suffix: string) => spec.names.of('gcpResource', suffix);
    const region = spec.regions.gcp;
    const zoneCount = spec.network.zones;

    this.serviceAccount = new ServiceAccount(
      this,
      'service-account',
      applyOverride<ServiceAccountConfig>(
        {
          accountId: spec.names.of('gcpServiceAccount'),
          displayName: `${spec.names.base} app VMs`,
          description: 'Identity of the app VMs: writes logs and metrics, reads only its own secrets',
        },
        o.serviceAccount,
      ),
    );
    const member = `serviceAccount:${this.serviceAccount.email}`;
    const roles: string[] = [...VM_PROJECT_ROLES];
    // Project-wide by necessity (see redisClusterAccess): every IAM-auth cluster of the project.
    if (props.redisClusterAccess) roles.push('roles/redis.dbConnectionUser');
    this.projectRoles = roles.map(
      (role) =>
        new ProjectIamMember(this, `role-${role.replace('roles/', '').replace(/\./g, '-')}`, {
          project: this.serviceAccount.project,
          role,
          member,
        } satisfies ProjectIamMemberConfig),
    );
    // Bound on each secret, not the project: the VMs can read these secrets and no others. Keyed, not
    // indexed: with positions, a new shard's secret would shift the cache grant to another address, and
    // Terraform's destroy of the old grant could remove the binding the new one just added.
    this.secretAccess = Object.entries(props.secretIds ?? {}).map(
      ([key, secretId]) =>
        new SecretManagerSecretIamMember(this, `secret-access-${key}`, {
          secretId,
          role: 'roles/secretmanager.secretAccessor',
          member,
        } satisfies SecretManagerSecretIamMemberConfig),
    );

    const known = spec.network.zoneNames.gcp ?? knownZones(region, zoneCount);
    if (known) {
      this.zones = [...known];
    } else {
      // Every zone, not only those UP right now: a zone in maintenance must not reshape the list a new
      // group (a Spot group added later) is created with.
      const available = new DataGoogleComputeZones(this, 'zones', { region });
      this.zones = Fn.slice(available.names, 0, zoneCount) as string[];
    }

    this.healthCheck = new ComputeHealthCheck(
      this,
      'autoheal',
      applyOverride<ComputeHealthCheckConfig>(
        {
          name: name('-autoheal'),
          description: 'Autohealing: recreates a VM only after a minute of failed checks',
          checkIntervalSec: 10,
          timeoutSec: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 6,
          httpHealthCheck: { port: compute.port, requestPath: compute.healthCheckPath },
        },
        o.healthCheck,
      ),
    );

    const runtime = props.runtime ?? 'preinstalled';
    // A private Artifact Registry image: read on exactly that repository (not the project), and a
    // Docker credential helper that uses the VM's own token; nothing secret is in the metadata.
    const registry = registryOf(compute.app.image);
    if (registry.kind === 'artifactRegistry') {
      this.imagePull = new ArtifactRegistryRepositoryIamMember(this, 'image-pull', {
        project: registry.project,
        location: registry.location,
        repository: registry.repository,
        role: 'roles/artifactregistry.reader',
        member,
      } satisfies ArtifactRegistryRepositoryIamMemberConfig);
    }
    this.bootScript = bootScript({
      image: compute.app.image,
      port: compute.port,
      env: { ...compute.app.env, ...props.env },
      runtime,
      ...(registry.kind === 'artifactRegistry' ? { registryLogin: artifactRegistryLogin(registry, runtime) } : {}),
    });

    const template = (spot: boolean) =>
      new ComputeRegionInstanceTemplate(
        this,
        spot ? 'spot-template' : 'template',
        applyOverride<ComputeRegionInstanceTemplateConfig>(
          {
            // Templates are immutable: every change makes a new one (name_prefix) before the old goes.
            namePrefix: spec.names.of('gcpInstanceTemplatePrefix', spot ? '-spot' : undefined),
            description: `${spec.names.base} app VM${spot ? ' (Spot)' : ''}`,
            region,
            machineType: compute.instanceType.gcp.type,
            labels: { ...spec.tags },
            tags: [network.appTag],
            disk: [
              {
                boot: true,
                autoDelete: true,
                sourceImage: props.image ?? COS_IMAGE,
                diskType: 'pd-balanced',
                diskSizeGb: 20,
                labels: { ...spec.tags },
              },
            ],
            // No access_config: no external IP; egress goes through Cloud NAT.
            networkInterface: [{ subnetwork: network.subnetId }],
            serviceAccount: { email: this.serviceAccount.email, scopes: ['cloud-platform'] },
            shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            scheduling: spot
              ? {
                  provisioningModel: 'SPOT',
                  preemptible: true,
                  automaticRestart: false,
                  onHostMaintenance: 'TERMINATE',
                  // The group recreates a deleted VM from the template; a stopped one would linger.
                  instanceTerminationAction: 'DELETE',
                }
              : { provisioningModel: 'STANDARD', automaticRestart: true, onHostMaintenance: 'MIGRATE' },
            metadata: {
              // Terraform would read `${` / `%{` in the user's env values as template sequences.
              'startup-script': terraformAttributeText(this.bootScript),
              'block-project-ssh-keys': 'TRUE',
              'enable-oslogin': 'TRUE',
              'disable-legacy-endpoints': 'TRUE',
              // Container-Optimized OS ships container logs and VM metrics to Cloud Logging / Monitoring.
              'google-logging-enabled': 'true',
              'google-monitoring-enabled': 'true',
            },
            lifecycle: { createBeforeDestroy: true },
          },
          o.template,
        ),
      );

    const group = (spot: boolean, tmpl: ComputeRegionInstanceTemplate) =>
      new ComputeRegionInstanceGroupManager(
        this,
        spot ? 'spot-group' : 'group',
        applyOverride<ComputeRegionInstanceGroupManagerConfig>(
          {
            name: name(spot ? '-mig-spot' : '-mig'),
            description: `${spec.names.base} app VMs${spot ? ' (Spot)' : ''}`,
            baseInstanceName: name(spot ? '-spot' : '-app'),
            region,
            distributionPolicyZones: this.zones,
            distributionPolicyTargetShape: 'EVEN',
            version: [{ name: spot ? 'spot' : 'app', instanceTemplate: tmpl.selfLink }],
            namedPort: [{ name: APP_PORT_NAME, port: compute.port }],
            autoHealingPolicies: { healthCheck: this.healthCheck.id, initialDelaySec: 300 },
            updatePolicy: {
              type: 'PROACTIVE',
              minimalAction: 'REPLACE',
              mostDisruptiveAllowedAction: 'REPLACE',
              instanceRedistributionType: 'PROACTIVE',
              replacementMethod: 'SUBSTITUTE',
              // No VM goes before its replacement is up; the surge fits the most zones a group can have.
              maxSurgeFixed: MAX_SURGE_FIXED,
              maxUnavailableFixed: 0,
            },
            // Never a target size: the autoscaler owns it, and a deploy must not reset capacity.
            // The first VMs pull the image at boot: the repository grant exists before they do.
            ...(this.imagePull ? { dependsOn: [this.imagePull] } : {}),
            // The API cannot move a regional group to other zones, and the provider would replace the
            // group, which fails mid-apply while it is a backend (resourceInUseByAnotherResource): a
            // group keeps the zones it was created with (runbook in docs/gcp.md).
            lifecycle: { ignoreChanges: ['distribution_policy_zones'] },
          },
          o.group,
        ),
      );

    const autoscaler = (spot: boolean, target: ComputeRegionInstanceGroupManager, bounds: Bounds) =>
      new ComputeRegionAutoscaler(
        this,
        spot ? 'spot-autoscaler' : 'autoscaler',
        applyOverride<ComputeRegionAutoscalerConfig>(
          {
            name: name(spot ? '-autoscaler-spot' : '-autoscaler'),
            region,
            target: target.id,
            autoscalingPolicy: {
              minReplicas: bounds.min,
              maxReplicas: bounds.max,
              // Boot + image pull before a new VM's metrics count.
              cooldownPeriod: 120,
              mode: 'ON',
              cpuUtilization: { target: compute.targetCpuPercent / 100 },
              // The backend's max rate per instance is targetRequestsPerInstance, so 100% of it is the target.
              ...(compute.targetRequestsPerInstance !== undefined ? { loadBalancingUtilization: { target: 1 } } : {}),
              scaleInControl: {
                maxScaledInReplicas: { fixed: Math.max(1, Math.ceil(bounds.max / 4)) },
                timeWindowSec: 600,
              },
              ...(compute.schedules.length > 0
                ? { scalingSchedules: compute.schedules.map((s) => scalingSchedule(s, spot, spec, bounds)) }
                : {}),
            },
          },
          o.autoscaler,
        ),
      );

    this.split = gcpSpotSplit(spec, compute.minInstances, compute.maxInstances);
    this.groupNames = [name('-mig'), ...(this.split.spot ? [name('-mig-spot')] : [])];
    this.template = template(false);
    this.group = group(false, this.template);
    this.autoscaler = autoscaler(false, this.group, this.split.onDemand);
    if (this.split.spot) {
      this.spotTemplate = template(true);
      this.spotGroup = group(true, this.spotTemplate);
      this.spotAutoscaler = autoscaler(true, this.spotGroup, this.split.spot);
    }
  }

  /** Instance group URLs for the load balancer's backend service (on-demand first). */
  get instanceGroups(): string[] {
    return [this.group, this.spotGroup]
      .filter((g): g is ComputeRegionInstanceGroupManager => g !== undefined)
      .map((g) => g.instanceGroup);
  }
}

/**
 * A spec schedule as a GCP scaling schedule. GCP schedules only raise the minimum for the
 * window (the maximum stays the group's), so the window's minimum is split between the two
 * groups like the base bounds and capped at the group's maximum.
 */
function scalingSchedule(
  s: ResolvedSchedule,
  spot: boolean,
  spec: ResolvedSpec,
  bounds: Bounds,
): ComputeRegionAutoscalerAutoscalingPolicyScalingSchedules {
  const split = gcpSpotSplit(spec, s.minInstances, s.maxInstances);
  const min = spot ? (split.spot?.min ?? 0) : split.onDemand.min;
  return {
    name: scheduleName(s.name),
    description: `${s.name}: at least ${min} VMs for ${s.durationMinutes} minutes`,
    schedule: s.start.cron,
    timeZone: s.timezone,
    durationSec: s.durationMinutes * 60,
    minRequiredReplicas: Math.min(min, bounds.max),
  };
}
