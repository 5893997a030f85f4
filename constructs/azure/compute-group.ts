import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import {
  LinuxVirtualMachineScaleSet,
  type LinuxVirtualMachineScaleSetConfig,
} from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import {
  MonitorAutoscaleSetting,
  type MonitorAutoscaleSettingConfig,
  type MonitorAutoscaleSettingProfile,
  type MonitorAutoscaleSettingProfileRule,
} from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { bootCloudConfig } from '../../lib/boot';
import type { EnvContractName } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import { type Bounds, type ResolvedSpec, splitSpot } from '../../lib/resolve';
import { DAY_NAMES, type ResolvedSchedule, type WeeklyTime } from '../../lib/schedules';
import { terraformFunctionArgument } from '../../lib/terraform-text';
import type { AzureLoadBalancer } from './load-balancer';
import { type AzureNetwork, zoneIds } from './network';
import { type AzureSecrets, grantSecretRead } from './secrets';

/** Ubuntu 24.04 LTS (Gen2, Trusted Launch capable) from Canonical. */
export const UBUNTU_IMAGE = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' };
export const ADMIN_USER = 'azureuser';
/**
 * Application Health extension 1.0 = Binary Health States: HTTP 200 on healthCheckPath is
 * healthy, anything else unhealthy, the same contract as the gateway probe and the other
 * clouds' health checks. Version 2.0 (Rich Health States) would require the app to answer with
 * the body {"ApplicationHealthState": "Healthy"}; a plain 200 is "Unknown" there, which
 * automatic repairs replace and rolling upgrades treat as unhealthy, so every VM would be
 * replaced in a loop. New VMs boot inside the automatic-repair grace period (REPAIR_GRACE).
 */
export const HEALTH_EXTENSION_VERSION = '1.0';
/** Repairs wait this long after a VM is created or changed: covers Docker install and image pull. */
export const REPAIR_GRACE = 'PT10M';
/** Azure autoscale settings hold at most 20 profiles (default + start/end per schedule). */
export const MAX_AUTOSCALE_PROFILES = 20;
/** Gap around the CPU target: scale out above target+15, in below target-30 (no flapping). */
export const CPU_OUT_ABOVE = 15;
export const CPU_IN_BELOW = 30;
/** Requests scale in below this share of the per-instance target. */
export const REQUESTS_IN_SHARE = 0.5;

/** Scale-out and scale-in CPU thresholds for a target, kept inside 5..95. */
export function cpuThresholds(target: number): { out: number; in: number } {
  return { out: Math.min(95, target + CPU_OUT_ABOVE), in: Math.max(5, target - CPU_IN_BELOW) };
}

/** A schedule window's bounds, split between the groups the same way as the base bounds. */
export function windowBounds(spec: ResolvedSpec, s: Pick<ResolvedSchedule, 'minInstances' | 'maxInstances'>) {
  const split = splitSpot(s.minInstances, s.maxInstances, spec.compute.spot.percent);
  return { onDemand: split.onDemand, spot: split.spot ?? { min: 0, max: 1 } };
}

const WEEK_MINUTES = 7 * 24 * 60;
const minuteOfWeek = (day: number, at: Pick<WeeklyTime, 'hour' | 'minute'>) => day * 1440 + at.hour * 60 + at.minute;

/** A stretch of the week in one Windows time zone: from `from` (minutes since Sunday 00:00) for `minutes`, wrapping past Saturday. */
export interface WeekSpan {
  readonly timezone: string;
  readonly from: number;
  /** 1 .. a whole week. */
  readonly minutes: number;
}

/** One on-demand maximum and when it is in force (the base maximum: whenever no listed window is). */
export interface MaximumInForce {
  readonly max: number;
  readonly base: boolean;
  /** Empty for the base maximum, which holds outside every other maximum's spans. */
  readonly spans: readonly WeekSpan[];
}

/**
 * When each distinct maximum of the on-demand set is in force, following the autoscale
 * profiles below: a window's start profile holds until the next profile of any window starts
 * (an `-end` profile brings back the base bounds, also in the middle of another window; at the
 * same minute a start wins over an end). Profiles in different time zones cannot be ordered (DST
 * moves them against each other), so then each window counts from its start for its duration.
 */
export function onDemandMaxima(spec: ResolvedSpec): MaximumInForce[] {
  const base = spec.compute.spot.onDemand.max;
  const schedules = spec.compute.schedules;
  const spans = new Map<number, WeekSpan[]>();
  const add = (max: number, span: WeekSpan) => {
    if (max !== base && span.minutes > 0) spans.set(max, [...(spans.get(max) ?? []), span]);
  };
  const zones = new Set(schedules.map((s) => s.windowsTimezone));
  if (zones.size > 1) {
    for (const s of schedules) {
      for (const day of s.start.days) {
        const from = minuteOfWeek(day, s.start);
        add(windowBounds(spec, s).onDemand.max, { timezone: s.windowsTimezone, from, minutes: s.durationMinutes });
      }
    }
  } else if (schedules.length > 0) {
    const timezone = schedules[0]?.windowsTimezone as string;
    // [minute, order (end 0 before start 1), max in force from then on]
    const events = schedules.flatMap((s) =>
      s.start.days.flatMap((day) => {
        const from = minuteOfWeek(day, s.start);
        return [
          [from, 1, windowBounds(spec, s).onDemand.max] as const,
          [(from + s.durationMinutes) % WEEK_MINUTES, 0, base] as const,
        ];
      }),
    );
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    events.forEach(([from, , max], i) => {
      const last = i === events.length - 1;
      const next = events[last ? 0 : i + 1] as (typeof events)[number];
      // Back round to the same minute from the last event: it holds the whole week.
      const minutes = (next[0] - from + WEEK_MINUTES) % WEEK_MINUTES || (last ? WEEK_MINUTES : 0);
      add(max, { timezone, from, minutes });
    });
  }
  return [
    { max: base, base: true, spans: [] },
    ...[...spans.entries()].sort(([a], [b]) => a - b).map(([max, s]) => ({ max, base: false, spans: s })),
  ];
}

/** One scale set with the autoscale setting that owns its capacity. */
export interface AzureScaleGroup {
  readonly kind: 'on-demand' | 'spot';
  readonly scaleSet: LinuxVirtualMachineScaleSet;
  readonly autoscale: MonitorAutoscaleSetting;
  /** Base bounds of this group (outside schedule windows). */
  readonly bounds: Bounds;
}

export interface AzureComputeGroupProps {
  /** The resolved spec (`spec.compute`). */
  readonly spec: ResolvedSpec;
  /** Network with the app subnet. */
  readonly network: AzureNetwork;
  /** Gateway whose backend pool the scale sets join and whose request metric drives scaling. */
  readonly loadBalancer: AzureLoadBalancer;
  /** Key Vault for the generated SSH key. */
  readonly secrets: AzureSecrets;
  /** Secrets the app reads at run time (database and cache credentials); the VMs get read access to these only. */
  readonly readableSecrets: Readonly<Record<string, KeyVaultSecret>>;
  /** The environment contract (lib/contract.ts) every VM gets. */
  readonly environment: Readonly<Record<EnvContractName, string>>;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly scaleSet?: Override<LinuxVirtualMachineScaleSetConfig>;
    readonly spotScaleSet?: Override<LinuxVirtualMachineScaleSetConfig>;
    readonly autoscale?: Override<MonitorAutoscaleSettingConfig>;
    readonly spotAutoscale?: Override<MonitorAutoscaleSettingConfig>;
  };
}

function recurrence(at: WeeklyTime, timezone: string) {
  return {
    timezone,
    days: at.days.map((d) => DAY_NAMES[d] as string),
    hours: [at.hour],
    minutes: [at.minute],
  };
}

/**
 * Linux VM scale sets across the zones running the app container: SSH keys only, encryption at
 * host, Trusted Launch, no public IP, rolling upgrades and automatic instance repairs driven by
 * the Application Health extension, automatic OS image upgrades. Each set has an autoscale
 * setting (CPU with a wide gap, requests per healthy host, schedule windows) that owns its
 * capacity. With `spotPercent` a second, Spot-only set with its own bounds joins the same
 * backend pool (see docs/azure.md for the split).
 */
export class AzureComputeGroup extends Construct {
  /** Shared identity of both sets: role assignments exist before the first VM boots. */
  public readonly identity: UserAssignedIdentity;
  /** Secrets User on each readable secret, by secret key. */
  public readonly secretAccess: Readonly<Record<string, RoleAssignment>>;
  /** Generated when the spec has no sshPublicKey. */
  public readonly sshKey?: PrivateKey;
  public readonly sshKeySecret?: KeyVaultSecret;
  public readonly onDemand: AzureScaleGroup;
  public readonly spot?: AzureScaleGroup;
  /** The cloud-config boot document (before base64), for inspection and tests. */
  public readonly userData: string;
  private readonly spec: ResolvedSpec;
  private readonly where: AzureNetwork['where'];
  private readonly gatewayId: string;

  constructor(scope: Construct, id: string, props: AzureComputeGroupProps) {
    super(scope, id);
    const { spec, network, loadBalancer, secrets } = props;
    const c = spec.compute;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const { resourceGroupName, location } = network.where;
    this.spec = spec;
    this.where = network.where;
    this.gatewayId = loadBalancer.gateway.id;

    this.identity = new UserAssignedIdentity(this, 'Identity', {
      name: spec.names.of('azureResource', '-id-vmss'),
      resourceGroupName,
      location,
      tags,
    });
    const access: Record<string, RoleAssignment> = {};
    for (const [key, secret] of Object.entries(props.readableSecrets)) {
      access[key] = grantSecretRead(this, `ReadSecret-${key}`, this.identity.principalId, secret);
    }
    this.secretAccess = access;

    let publicKey = c.sshPublicKey;
    if (!publicKey) {
      // No key given: generate one so break-glass access exists. Its private half is in Key
      // Vault and, unavoidably, in Terraform state.
      this.sshKey = new PrivateKey(this, 'SshKey', { algorithm: 'RSA', rsaBits: 4096 });
      this.sshKeySecret = secrets.addSecret(
        'SshPrivateKey',
        '-vmss-ssh-key',
        this.sshKey.privateKeyOpenssh,
        'text/plain',
      );
      publicKey = this.sshKey.publicKeyOpenssh;
    }

    // cloud-init drives Ubuntu's first boot: it writes the env file itself (0600, no shell).
    this.userData = bootCloudConfig({
      image: c.app.image,
      port: c.port,
      // The contract wins over user env; AZURE_CLIENT_ID picks the VM identity for Azure SDKs.
      env: { ...c.app.env, ...props.environment, AZURE_CLIENT_ID: this.identity.clientId },
      runtime: 'apt',
    });

    const zones = zoneIds(spec.network.zones);
    const base = (bounds: Bounds): LinuxVirtualMachineScaleSetConfig => ({
      name: '',
      resourceGroupName,
      location,
      sku: c.instanceType.azure.type,
      // Required by the API. The autoscale setting owns capacity after creation, so Terraform
      // ignores drift here (lifecycle below): a deploy never resets the running count.
      instances: bounds.min,
      zones,
      // Best-effort spread: a zone outage must not block scale-out in the others.
      zoneBalance: false,
      platformFaultDomainCount: 1,
      singlePlacementGroup: false,
      overprovision: false,
      upgradeMode: 'Rolling',
      rollingUpgradePolicy: {
        maxBatchInstancePercent: 20,
        maxUnhealthyInstancePercent: 20,
        maxUnhealthyUpgradedInstancePercent: 5,
        pauseTimeBetweenBatches: 'PT1M',
        crossZoneUpgradesEnabled: true,
        prioritizeUnhealthyInstancesEnabled: true,
        // New instances come up (and turn healthy) before old ones go.
        maximumSurgeInstancesEnabled: true,
      },
      automaticOsUpgradePolicy: { enableAutomaticOsUpgrade: true, disableAutomaticRollback: false },
      automaticInstanceRepair: { enabled: true, gracePeriod: REPAIR_GRACE, action: 'Replace' },
      extension: [
        {
          name: 'HealthExtension',
          publisher: 'Microsoft.ManagedServices',
          type: 'ApplicationHealthLinux',
          typeHandlerVersion: HEALTH_EXTENSION_VERSION,
          autoUpgradeMinorVersion: true,
          settings: JSON.stringify({
            protocol: 'http',
            port: c.port,
            requestPath: c.healthCheckPath,
            // 30 s of consecutive failures before an instance counts as unhealthy (as the
            // gateway probe: 3 x 15 s): one slow response must not get a VM replaced.
            intervalInSeconds: 10,
            numberOfProbes: 3,
          }),
        },
      ],
      adminUsername: ADMIN_USER,
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: ADMIN_USER, publicKey: publicKey as string }],
      sourceImageReference: UBUNTU_IMAGE,
      osDisk: { caching: 'ReadWrite', storageAccountType: 'Premium_LRS', diskSizeGb: 30 },
      encryptionAtHostEnabled: true,
      secureBootEnabled: true,
      vtpmEnabled: true,
      customData: Fn.base64encode(terraformFunctionArgument(this.userData)),
      networkInterface: [
        {
          name: 'nic',
          primary: true,
          ipConfiguration: [
            {
              name: 'ipconfig',
              primary: true,
              subnetId: network.appSubnet.id,
              applicationGatewayBackendAddressPoolIds: [loadBalancer.backendPoolId],
            },
          ],
        },
      ],
      identity: { type: 'UserAssigned', identityIds: [this.identity.id] },
      // Managed boot diagnostics: serial console and boot screenshots without a storage account.
      bootDiagnostics: {},
      // Instances get 5 minutes' notice before deletion so the app can drain.
      terminationNotification: { enabled: true, timeout: 'PT5M' },
      tags,
      // The role assignments must exist before a VM asks Key Vault for a secret.
      dependsOn: Object.values(access),
      lifecycle: { ignoreChanges: ['instances'] },
    });

    const split = c.spot;
    const scaleSet = (
      cid: string,
      suffix: string,
      bounds: Bounds,
      spot: boolean,
      ov?: Override<LinuxVirtualMachineScaleSetConfig>,
    ) =>
      new LinuxVirtualMachineScaleSet(
        this,
        cid,
        applyOverride(
          {
            ...base(bounds),
            name: spec.names.of('azureResource', suffix),
            ...(spot
              ? {
                  priority: 'Spot',
                  evictionPolicy: 'Delete',
                  // -1: pay up to the on-demand price; evictions happen for capacity only.
                  maxBidPrice: -1,
                  spotRestore: { enabled: true, timeout: 'PT1H' },
                }
              : {}),
          },
          ov,
        ),
      );

    const onDemandSet = scaleSet('ScaleSet', '-vmss', split.onDemand, false, o.scaleSet);
    this.onDemand = {
      kind: 'on-demand',
      scaleSet: onDemandSet,
      bounds: split.onDemand,
      autoscale: this.autoscale('Autoscale', '-autoscale', onDemandSet, split.onDemand, 'onDemand', o.autoscale),
    };
    if (split.spot) {
      const spotSet = scaleSet('SpotScaleSet', '-vmss-spot', split.spot, true, o.spotScaleSet);
      this.spot = {
        kind: 'spot',
        scaleSet: spotSet,
        bounds: split.spot,
        autoscale: this.autoscale('SpotAutoscale', '-autoscale-spot', spotSet, split.spot, 'spot', o.spotAutoscale),
      };
    }
  }

  /** Both groups (on-demand first). */
  public groups(): AzureScaleGroup[] {
    return this.spot ? [this.onDemand, this.spot] : [this.onDemand];
  }

  private autoscale(
    cid: string,
    suffix: string,
    scaleSet: LinuxVirtualMachineScaleSet,
    bounds: Bounds,
    share: 'onDemand' | 'spot',
    ov: Override<MonitorAutoscaleSettingConfig> | undefined,
  ): MonitorAutoscaleSetting {
    const spec = this.spec;
    const c = spec.compute;
    // The Spot set scales on the on-demand set's CPU: an empty Spot set has no CPU samples of its
    // own, so its own metric could never scale it out from 0. The gateway spreads requests over
    // both sets, so the on-demand average is the fleet's.
    const rules = this.rules(share === 'onDemand' ? scaleSet.id : this.onDemand.scaleSet.id, bounds);
    const capacity = (b: Bounds) => ({ minimum: b.min, maximum: b.max, default: b.min });
    const profiles: MonitorAutoscaleSettingProfile[] = [{ name: 'default', capacity: capacity(bounds), rule: rules }];
    for (const s of c.schedules) {
      // Azure recurrence profiles have no end: each runs until the next one starts, so every
      // window gets an end profile that brings back the base bounds.
      profiles.push(
        {
          name: s.name,
          capacity: capacity(windowBounds(spec, s)[share]),
          rule: rules,
          recurrence: recurrence(s.start, s.windowsTimezone),
        },
        {
          name: `${s.name}-end`,
          capacity: capacity(bounds),
          rule: rules,
          recurrence: recurrence(s.end, s.windowsTimezone),
        },
      );
    }
    if (profiles.length > MAX_AUTOSCALE_PROFILES) {
      throw new Error(
        `Azure autoscale settings hold at most ${MAX_AUTOSCALE_PROFILES} profiles; ${c.schedules.length} schedules need ${profiles.length}`,
      );
    }
    const { resourceGroupName, location } = this.where;
    return new MonitorAutoscaleSetting(
      this,
      cid,
      applyOverride(
        {
          name: spec.names.of('azureResource', suffix),
          resourceGroupName,
          location,
          targetResourceId: scaleSet.id,
          enabled: true,
          profile: profiles,
          tags: { ...spec.tags },
        },
        ov,
      ),
    );
  }

  /**
   * CPU rules on `cpuSetId` (out above target+15, in below target-30) and, with a request target,
   * the gateway's requests per healthy host.
   */
  private rules(cpuSetId: string, bounds: Bounds): MonitorAutoscaleSettingProfileRule[] {
    const spec = this.spec;
    const c = spec.compute;
    const cpu = cpuThresholds(c.targetCpuPercent);
    // Step out by a fifth of the group so large groups catch up quickly; step in one at a time.
    const stepOut = Math.max(1, Math.ceil(bounds.max * 0.2));
    const out = (cooldown = 'PT5M') => ({ direction: 'Increase', type: 'ChangeCount', value: stepOut, cooldown });
    const inward = { direction: 'Decrease', type: 'ChangeCount', value: 1, cooldown: 'PT10M' };
    const vmCpu = {
      metricName: 'Percentage CPU',
      metricNamespace: 'microsoft.compute/virtualmachinescalesets',
      metricResourceId: cpuSetId,
      timeGrain: 'PT1M',
      statistic: 'Average',
      timeAggregation: 'Average',
    };
    const rules: MonitorAutoscaleSettingProfileRule[] = [
      {
        metricTrigger: { ...vmCpu, timeWindow: 'PT5M', operator: 'GreaterThan', threshold: cpu.out },
        scaleAction: out(),
      },
      {
        metricTrigger: { ...vmCpu, timeWindow: 'PT10M', operator: 'LessThan', threshold: cpu.in },
        scaleAction: inward,
      },
    ];
    if (c.targetRequestsPerInstance !== undefined) {
      // The gateway reports requests per minute per healthy host; the spec target is per second.
      const perMinute = c.targetRequestsPerInstance * 60;
      const requests = {
        metricName: 'AvgRequestCountPerHealthyHost',
        metricNamespace: 'microsoft.network/applicationgateways',
        metricResourceId: this.gatewayId,
        timeGrain: 'PT1M',
        statistic: 'Average',
        timeAggregation: 'Average',
      };
      rules.push(
        {
          metricTrigger: { ...requests, timeWindow: 'PT5M', operator: 'GreaterThan', threshold: perMinute },
          scaleAction: out(),
        },
        {
          metricTrigger: {
            ...requests,
            timeWindow: 'PT10M',
            operator: 'LessThan',
            threshold: Math.floor(perMinute * REQUESTS_IN_SHARE),
          },
          scaleAction: inward,
        },
      );
    }
    return rules;
  }
}
