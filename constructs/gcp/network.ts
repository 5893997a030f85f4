import { ComputeFirewall, type ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import {
  ComputeGlobalAddress,
  type ComputeGlobalAddressConfig,
} from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork, type ComputeNetworkConfig } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter, type ComputeRouterConfig } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat, type ComputeRouterNatConfig } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork, type ComputeSubnetworkConfig } from '@cdktf/provider-google/lib/compute-subnetwork';
import {
  ServiceNetworkingConnection,
  type ServiceNetworkingConnectionConfig,
} from '@cdktf/provider-google/lib/service-networking-connection';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/**
 * Source ranges of Google's health checkers and of the global external Application Load
 * Balancer's proxies (GFEs / Envoy): the only addresses that reach the app port.
 */
export const GOOGLE_LB_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;
/** Identity-Aware Proxy TCP forwarding: SSH through IAP needs IAM and OS Login, not an open port. */
export const IAP_TCP_RANGE = '35.235.240.0/20';

/** What the data tier and the VMs need from a network; GcpNetwork provides it, or bring your own. */
export interface GcpNetworkRef {
  /** VPC id (`projects/<p>/global/networks/<name>`). */
  readonly vpcId: string;
  /** Regional subnet id the VMs (and Redis Cluster PSC endpoints) use. */
  readonly subnetId: string;
  /** Name of the allocated range for private service access (Cloud SQL, Memorystore). */
  readonly servicesRangeName: string;
  /** What Cloud SQL and Memorystore must wait for: the service networking connection. */
  readonly privateServiceAccess: ITerraformDependable[];
  /** Network tag the app VMs carry; the firewall rules target it. */
  readonly appTag: string;
}

export interface GcpNetworkProps {
  /** The resolved spec: address plan (`network.subnets`), region, names, labels, app port. */
  readonly spec: ResolvedSpec;
  /** Allow SSH (tcp/22) from IAP's TCP forwarding range to the app VMs; use still needs IAM + OS Login. @default true */
  readonly iapSsh?: boolean;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The VPC. */
    readonly network?: Override<ComputeNetworkConfig>;
    /** The regional app subnet. */
    readonly subnet?: Override<ComputeSubnetworkConfig>;
    /** The Cloud Router carrying NAT. */
    readonly router?: Override<ComputeRouterConfig>;
    /** Cloud NAT. */
    readonly nat?: Override<ComputeRouterNatConfig>;
    /** The private service access range. */
    readonly servicesRange?: Override<ComputeGlobalAddressConfig>;
    /** The service networking (VPC peering) connection. */
    readonly servicesConnection?: Override<ServiceNetworkingConnectionConfig>;
    /** Every firewall rule (check `name` to tell them apart). */
    readonly firewall?: Override<ComputeFirewallConfig>;
  };
}

/**
 * Custom-mode VPC with one regional subnet (Private Google Access, flow logs), Cloud NAT for
 * egress, a private service access range + peering for Cloud SQL and Memorystore, and
 * firewall rules that let only Google's load balancer and health-check ranges reach the app.
 */
export class GcpNetwork extends Construct implements GcpNetworkRef {
  public readonly vpc: ComputeNetwork;
  public readonly subnet: ComputeSubnetwork;
  public readonly router: ComputeRouter;
  public readonly nat: ComputeRouterNat;
  public readonly servicesRange: ComputeGlobalAddress;
  public readonly servicesConnection: ServiceNetworkingConnection;
  public readonly allowLoadBalancer: ComputeFirewall;
  /** Present when `iapSsh` is on. */
  public readonly allowIapSsh?: ComputeFirewall;
  public readonly denyAllIngress: ComputeFirewall;
  public readonly appTag: string;

  constructor(scope: Construct, id: string, props: GcpNetworkProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const name = (suffix: string) => spec.names.of('gcpResource', suffix);
    const region = spec.regions.gcp;
    this.appTag = name('-app');

    this.vpc = new ComputeNetwork(
      this,
      'vpc',
      applyOverride<ComputeNetworkConfig>(
        {
          name: name('-vpc'),
          description: `Private network of ${spec.names.base}`,
          autoCreateSubnetworks: false,
          routingMode: 'REGIONAL',
        },
        o.network,
      ),
    );

    this.subnet = new ComputeSubnetwork(
      this,
      'subnet',
      applyOverride<ComputeSubnetworkConfig>(
        {
          name: name('-app'),
          description: 'App VMs; reaches Google APIs privately and the internet through Cloud NAT',
          network: this.vpc.id,
          region,
          // GCP subnets are regional: one subnet spans every zone, so the plan's first private block is enough.
          ipCidrRange: spec.network.subnets.private[0] ?? spec.network.cidr,
          privateIpGoogleAccess: true,
          stackType: 'IPV4_ONLY',
          logConfig: {
            // Same aggregation window as AWS VPC flow logs (10 minutes); half the flows keep the cost down.
            aggregationInterval: 'INTERVAL_10_MIN',
            flowSampling: 0.5,
            metadata: 'INCLUDE_ALL_METADATA',
          },
        },
        o.subnet,
      ),
    );

    this.router = new ComputeRouter(
      this,
      'router',
      applyOverride<ComputeRouterConfig>({ name: name('-router'), network: this.vpc.id, region }, o.router),
    );

    this.nat = new ComputeRouterNat(
      this,
      'nat',
      applyOverride<ComputeRouterNatConfig>(
        {
          name: name('-nat'),
          router: this.router.name,
          region,
          natIpAllocateOption: 'AUTO_ONLY',
          sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
          logConfig: { enable: true, filter: 'ERRORS_ONLY' },
        },
        o.nat,
      ),
    );

    const [servicesBase, servicesPrefix] = spec.network.subnets.services.split('/') as [string, string];
    this.servicesRange = new ComputeGlobalAddress(
      this,
      'services-range',
      applyOverride<ComputeGlobalAddressConfig>(
        {
          name: name('-services'),
          description: 'Private service access range (Cloud SQL, Memorystore)',
          purpose: 'VPC_PEERING',
          addressType: 'INTERNAL',
          address: servicesBase,
          prefixLength: Number(servicesPrefix),
          network: this.vpc.id,
          labels: { ...spec.tags },
        },
        o.servicesRange,
      ),
    );

    this.servicesConnection = new ServiceNetworkingConnection(
      this,
      'services-connection',
      applyOverride<ServiceNetworkingConnectionConfig>(
        {
          network: this.vpc.id,
          service: 'servicenetworking.googleapis.com',
          reservedPeeringRanges: [this.servicesRange.name],
          // Cloud SQL keeps producer resources on the peering for days after an instance is deleted, so
          // deleting the connection fails on destroy; ABANDON drops it from state (see docs/gcp.md).
          deletionPolicy: 'ABANDON',
        },
        o.servicesConnection,
      ),
    );

    const rules = appFirewall(this, {
      spec,
      vpcId: this.vpc.id,
      appTag: this.appTag,
      iapSsh: props.iapSsh,
      override: o.firewall,
    });
    this.allowLoadBalancer = rules.allowLoadBalancer;
    if (rules.allowIapSsh) this.allowIapSsh = rules.allowIapSsh;
    this.denyAllIngress = rules.denyAllIngress;
  }

  get vpcId(): string {
    return this.vpc.id;
  }

  get subnetId(): string {
    return this.subnet.id;
  }

  get servicesRangeName(): string {
    return this.servicesRange.name;
  }

  get privateServiceAccess(): ITerraformDependable[] {
    return [this.servicesConnection];
  }
}

/** Inputs of {@link appFirewall}. */
export interface AppFirewallProps {
  readonly spec: ResolvedSpec;
  /** VPC the rules go into. */
  readonly vpcId: string;
  /** Network tag of the app VMs. */
  readonly appTag: string;
  /** Allow SSH from IAP's range. @default true */
  readonly iapSsh?: boolean | undefined;
  /**
   * Limit the deny-all rule to the app VMs (their tag) instead of the whole VPC: what a shared,
   * brought VPC needs, where other workloads have rules of their own. @default false
   */
  readonly denyOnlyApp?: boolean;
  /** Applied to every rule (check `name`). @default none */
  readonly override?: Override<ComputeFirewallConfig> | undefined;
}

/** The app's firewall rules: Google's LB and health-check ranges to the app port, IAP SSH, deny the rest. */
export function appFirewall(
  scope: Construct,
  props: AppFirewallProps,
): { allowLoadBalancer: ComputeFirewall; allowIapSsh?: ComputeFirewall; denyAllIngress: ComputeFirewall } {
  const { spec, vpcId, appTag } = props;
  const name = (suffix: string) => spec.names.of('gcpResource', suffix);
  const firewall = (fid: string, config: ComputeFirewallConfig) =>
    new ComputeFirewall(scope, fid, applyOverride<ComputeFirewallConfig>(config, props.override));
  const allowLoadBalancer = firewall('allow-load-balancer', {
    name: name('-allow-health-checks'),
    description: 'Load balancer proxies and health checks to the app port; nothing else reaches it',
    network: vpcId,
    direction: 'INGRESS',
    priority: 1000,
    sourceRanges: [...GOOGLE_LB_RANGES],
    targetTags: [appTag],
    allow: [{ protocol: 'tcp', ports: [String(spec.compute.port)] }],
  });
  const allowIapSsh =
    (props.iapSsh ?? true)
      ? firewall('allow-iap-ssh', {
          name: name('-allow-iap-ssh'),
          description: 'SSH only through Identity-Aware Proxy (IAM + OS Login); never from the internet',
          network: vpcId,
          direction: 'INGRESS',
          priority: 1000,
          sourceRanges: [IAP_TCP_RANGE],
          targetTags: [appTag],
          allow: [{ protocol: 'tcp', ports: ['22'] }],
        })
      : undefined;
  const denyAllIngress = firewall('deny-all-ingress', {
    name: name('-deny-all-ingress'),
    description: props.denyOnlyApp
      ? 'Deny and log every other inbound connection to the app VMs'
      : 'Deny and log every other inbound connection',
    network: vpcId,
    direction: 'INGRESS',
    priority: 65534,
    sourceRanges: ['0.0.0.0/0'],
    ...(props.denyOnlyApp ? { targetTags: [appTag] } : {}),
    deny: [{ protocol: 'all' }],
    logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
  });
  return { allowLoadBalancer, ...(allowIapSsh ? { allowIapSsh } : {}), denyAllIngress };
}
