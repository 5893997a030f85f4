import { NatGateway, type NatGatewayConfig } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import {
  NetworkSecurityGroup,
  type NetworkSecurityGroupConfig,
} from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule, type NetworkSecurityRuleConfig } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PrivateDnsZone, type PrivateDnsZoneConfig } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PublicIp, type PublicIpConfig } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup, type ResourceGroupConfig } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet, type SubnetConfig } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork, type VirtualNetworkConfig } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import { databaseZoneName } from '../../lib/endpoints';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/** Where Azure resources go: a resource group and its region. */
export interface AzureLocation {
  /** Resource group name. */
  readonly resourceGroupName: string;
  /** Azure region, e.g. eastus. */
  readonly location: string;
}

/** Ports of the private endpoints clients reach: Key Vault (443) and Managed Redis (10000, OSS cluster 8500-8599). */
export const PRIVATE_ENDPOINT_PORTS = ['443', '10000', '8500-8599'];
/** PgBouncer listens on this port of every Flexible Server where it is enabled. */
export const PGBOUNCER_PORT = 6432;
/**
 * Zones of a zone-redundant public IP. A Standard IP is either zonal or spread over all three
 * zones of the region; three is the only zone-redundant value.
 */
export const ZONE_REDUNDANT = ['1', '2', '3'];

/** Private-link DNS zones, fixed by Azure. */
export const KEY_VAULT_DNS_ZONE = 'privatelink.vaultcore.azure.net';
export const REDIS_DNS_ZONE = 'privatelink.redis.azure.net';

/** Zone ids used by zonal resources: "1".."zones". */
export function zoneIds(zones: number): string[] {
  return Array.from({ length: zones }, (_, i) => String(i + 1));
}

/** The subnet roles of the network, each with its own NSG. */
export type AzureSubnetKind = 'app' | 'gateway' | 'database' | 'endpoints' | 'jobs';

/** A subnet other constructs place resources in: created by AzureNetwork, or brought. */
export interface AzureSubnetRef {
  /** Resource id of the subnet. */
  readonly id: string;
}

/** A brought subnet: its id and its address prefix (the NSG rules of the other subnets name it). */
export interface AzureExistingSubnet extends AzureSubnetRef {
  /** The subnet's address prefix (CIDR), as the NSG rules must name it. */
  readonly addressPrefix: string;
}

/**
 * A VNet and subnets of yours. Each subnet must be ready for its role: `gateway` dedicated to the
 * Application Gateway, `database` delegated to Microsoft.DBforPostgreSQL/flexibleServers, `jobs`
 * delegated to Microsoft.ContainerInstance/containerGroups, `endpoints` with private endpoint
 * network policies on; and none may have an NSG or NAT gateway of its own: the network attaches
 * its NSGs (the data tier's isolation relies on their rules) and its NAT gateway (app and jobs).
 */
export interface AzureExistingNetwork {
  /** Resource id of the VNet; the private DNS zones are linked to it. */
  readonly virtualNetworkId: string;
  /** One subnet per role. */
  readonly subnets: Readonly<Record<AzureSubnetKind, AzureExistingSubnet>>;
}

export interface AzureNetworkProps {
  /** The resolved spec (address plan in `spec.network.subnets`). */
  readonly spec: ResolvedSpec;
  /** An existing resource group to build in. @default a new resource group named from the spec */
  readonly existingResourceGroup?: AzureLocation | undefined;
  /**
   * Bring your own VNet and subnets (see AzureExistingNetwork for what each needs); NSGs, NAT and
   * private DNS zones are still created and attached to them.
   * @default a new VNet with one subnet per role at the spec's address plan
   */
  readonly existingNetwork?: AzureExistingNetwork | undefined;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly resourceGroup?: Override<ResourceGroupConfig>;
    readonly virtualNetwork?: Override<VirtualNetworkConfig>;
    readonly appSubnet?: Override<SubnetConfig>;
    readonly gatewaySubnet?: Override<SubnetConfig>;
    readonly databaseSubnet?: Override<SubnetConfig>;
    readonly endpointsSubnet?: Override<SubnetConfig>;
    readonly jobsSubnet?: Override<SubnetConfig>;
    readonly securityGroup?: Override<NetworkSecurityGroupConfig>;
    readonly securityRule?: Override<NetworkSecurityRuleConfig>;
    readonly natPublicIp?: Override<PublicIpConfig>;
    readonly natGateway?: Override<NatGatewayConfig>;
    readonly postgresDnsZone?: Override<PrivateDnsZoneConfig>;
  };
}

/** One inbound rule of a subnet security group. */
interface InboundRule {
  readonly name: string;
  readonly priority: number;
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | '*';
  readonly source: string;
  readonly ports: readonly string[];
  readonly destination?: string;
}

/** The subnets that carry an NSG, by construct-id prefix. */
export type SubnetRole = 'App' | 'Gateway' | 'Database' | 'Endpoints' | 'Jobs';

/**
 * The private network: resource group, VNet on `spec.network.cidr`, one subnet per role from
 * the neutral address plan (app, Application Gateway, PostgreSQL delegated, private endpoints,
 * one-shot jobs delegated to container instances), a NAT gateway for app and job egress, and one
 * NSG per subnet that admits only the traffic its role needs. Subnet addresses come from
 * lib/network-plan.ts, so they never move when the spec grows.
 */
export class AzureNetwork extends Construct {
  /** The resource group this construct created (undefined when an existing one was given). */
  public readonly resourceGroup?: ResourceGroup;
  /** Resource group name and region every other construct builds in. */
  public readonly where: AzureLocation;
  /** The VNet this construct created (undefined when one was brought). */
  public readonly virtualNetwork?: VirtualNetwork;
  /** Resource id of the VNet (created or brought). */
  public readonly virtualNetworkId: string;
  /** App VMs (egress through the NAT gateway). */
  public readonly appSubnet: AzureSubnetRef;
  /** Dedicated Application Gateway v2 subnet. */
  public readonly gatewaySubnet: AzureSubnetRef;
  /** Delegated to Microsoft.DBforPostgreSQL/flexibleServers. */
  public readonly databaseSubnet: AzureSubnetRef;
  /** Private endpoints (Key Vault, Managed Redis). */
  public readonly endpointsSubnet: AzureSubnetRef;
  /** Delegated to Microsoft.ContainerInstance/containerGroups: one-shot deploy jobs (egress through NAT). */
  public readonly jobsSubnet: AzureSubnetRef;
  public readonly appSecurityGroup: NetworkSecurityGroup;
  public readonly gatewaySecurityGroup: NetworkSecurityGroup;
  public readonly databaseSecurityGroup: NetworkSecurityGroup;
  public readonly endpointsSecurityGroup: NetworkSecurityGroup;
  public readonly jobsSecurityGroup: NetworkSecurityGroup;
  /** Every NSG rule, by `<group>/<rule name>`. */
  public readonly securityRules: Readonly<Record<string, NetworkSecurityRule>>;
  /**
   * NSG-to-subnet associations by subnet role. Each waits for every rule of its NSG: attached
   * before its rules exist, an NSG blocks what the rules would admit (the gateway subnet then
   * refuses GatewayManager, hashicorp/terraform-provider-azurerm#14434).
   */
  public readonly securityGroupAssociations: Readonly<Record<SubnetRole, SubnetNetworkSecurityGroupAssociation>>;
  public readonly natPublicIp: PublicIp;
  public readonly natGateway: NatGateway;
  /** Egress of the jobs subnet through the NAT gateway (the bootstrap job pulls a public image). */
  public readonly jobsNatAssociation: SubnetNatGatewayAssociation;
  /** Private DNS zone Flexible Servers register in (`<name>.private.postgres.database.azure.com`). */
  public readonly postgresDnsZone: PrivateDnsZone;
  public readonly postgresDnsZoneLink: PrivateDnsZoneVirtualNetworkLink;
  /** privatelink.vaultcore.azure.net, for the Key Vault private endpoint. */
  public readonly keyVaultDnsZone: PrivateDnsZone;
  public readonly keyVaultDnsZoneLink: PrivateDnsZoneVirtualNetworkLink;
  /** privatelink.redis.azure.net, for the Managed Redis private endpoint. */
  public readonly redisDnsZone: PrivateDnsZone;
  public readonly redisDnsZoneLink: PrivateDnsZoneVirtualNetworkLink;
  /** `db.<name>-<env>.internal` (lib/endpoints.ts): stable writer and reader names of every shard. */
  public readonly databaseEndpointsDnsZone: PrivateDnsZone;
  public readonly databaseEndpointsDnsZoneLink: PrivateDnsZoneVirtualNetworkLink;

  constructor(scope: Construct, id: string, props: AzureNetworkProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const names = spec.names;
    const tags = { ...spec.tags };

    if (props.existingResourceGroup) {
      this.where = props.existingResourceGroup;
    } else {
      this.resourceGroup = new ResourceGroup(
        this,
        'ResourceGroup',
        applyOverride({ name: names.of('azureResourceGroup'), location: spec.regions.azure, tags }, o.resourceGroup),
      );
      this.where = { resourceGroupName: this.resourceGroup.name, location: this.resourceGroup.location };
    }
    const { resourceGroupName, location } = this.where;

    const layout = props.existingNetwork ? broughtLayout(props.existingNetwork) : this.created(spec, o);
    if (layout.virtualNetwork) this.virtualNetwork = layout.virtualNetwork;
    this.virtualNetworkId = layout.virtualNetworkId;
    this.appSubnet = layout.subnets.app;
    this.gatewaySubnet = layout.subnets.gateway;
    this.databaseSubnet = layout.subnets.database;
    this.endpointsSubnet = layout.subnets.endpoints;
    this.jobsSubnet = layout.subnets.jobs;
    const prefixes = layout.prefixes;
    const appPrefix = prefixes.app;
    const gatewayPrefix = prefixes.gateway;
    const databasePrefix = prefixes.database;
    const jobsPrefix = prefixes.jobs;
    const azureLb: InboundRule = {
      name: 'allow-azure-load-balancer',
      priority: 110,
      access: 'Allow',
      protocol: '*',
      source: 'AzureLoadBalancer',
      ports: ['*'],
    };
    // The platform default AllowVnetInBound admits the whole VNet (and peered ones); this
    // explicit deny makes each subnet accept only the flows listed above it.
    const denyVnet: InboundRule = {
      name: 'deny-other-vnet-inbound',
      priority: 4000,
      access: 'Deny',
      protocol: '*',
      source: 'VirtualNetwork',
      ports: ['*'],
    };
    const rules: Record<string, NetworkSecurityRule> = {};
    const associations = {} as Record<SubnetRole, SubnetNetworkSecurityGroupAssociation>;
    const group = (cid: SubnetRole, suffix: string, target: AzureSubnetRef, inbound: readonly InboundRule[]) => {
      const nsg = new NetworkSecurityGroup(
        this,
        `${cid}SecurityGroup`,
        applyOverride({ name: names.of('azureResource', suffix), resourceGroupName, location, tags }, o.securityGroup),
      );
      const own = inbound.map((r) => {
        const ports =
          r.ports.length === 1 ? { destinationPortRange: r.ports[0] } : { destinationPortRanges: [...r.ports] };
        const rule = new NetworkSecurityRule(
          this,
          `${cid}Rule-${r.name}`,
          applyOverride(
            {
              name: r.name,
              resourceGroupName,
              networkSecurityGroupName: nsg.name,
              priority: r.priority,
              direction: 'Inbound',
              access: r.access,
              protocol: r.protocol,
              sourcePortRange: '*',
              sourceAddressPrefix: r.source,
              destinationAddressPrefix: r.destination ?? '*',
              ...ports,
            },
            o.securityRule,
          ),
        );
        rules[`${cid}/${r.name}`] = rule;
        return rule;
      });
      associations[cid] = new SubnetNetworkSecurityGroupAssociation(this, `${cid}SecurityGroupAssociation`, {
        subnetId: target.id,
        networkSecurityGroupId: nsg.id,
        dependsOn: own,
      });
      return nsg;
    };

    this.appSecurityGroup = group('App', '-nsg-app', this.appSubnet, [
      {
        name: 'allow-gateway-to-app',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        source: gatewayPrefix,
        ports: [String(spec.compute.port)],
      },
      azureLb,
      denyVnet,
    ]);
    // Application Gateway v2 requirements: GatewayManager on 65200-65535 and AzureLoadBalancer
    // must stay open, and the listener ports must be reachable from the clients. With the origin
    // locked (cdn.lockOrigin), the clients are Front Door's back ends only, so the gateway is not
    // reachable around it; until then clients still resolving the domain to the gateway get in.
    this.gatewaySecurityGroup = group('Gateway', '-nsg-agw', this.gatewaySubnet, [
      {
        name: 'allow-gateway-manager',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        source: 'GatewayManager',
        ports: ['65200-65535'],
      },
      azureLb,
      {
        name: 'allow-web-inbound',
        priority: 120,
        access: 'Allow',
        protocol: 'Tcp',
        source: originLocked(spec) ? 'AzureFrontDoor.Backend' : 'Internet',
        ports: ['80', '443'],
      },
      denyVnet,
    ]);
    this.databaseSecurityGroup = group('Database', '-nsg-pg', this.databaseSubnet, [
      {
        name: 'allow-app-to-postgres',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        source: appPrefix,
        ports: [String(spec.database.port), String(PGBOUNCER_PORT)],
      },
      azureLb,
      // HA standbys and read replicas replicate inside the delegated subnet.
      {
        name: 'allow-postgres-subnet',
        priority: 120,
        access: 'Allow',
        protocol: '*',
        source: databasePrefix,
        destination: databasePrefix,
        ports: ['*'],
      },
      // The bootstrap job (database.ts) connects as the admin, directly (not through PgBouncer).
      {
        name: 'allow-jobs-to-postgres',
        priority: 130,
        access: 'Allow',
        protocol: 'Tcp',
        source: jobsPrefix,
        ports: [String(spec.database.port)],
      },
      denyVnet,
    ]);
    this.endpointsSecurityGroup = group('Endpoints', '-nsg-pe', this.endpointsSubnet, [
      {
        name: 'allow-vnet-to-endpoints',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        source: 'VirtualNetwork',
        ports: PRIVATE_ENDPOINT_PORTS,
      },
      denyVnet,
    ]);
    // Jobs only connect out; nothing may connect to them.
    this.jobsSecurityGroup = group('Jobs', '-nsg-jobs', this.jobsSubnet, [denyVnet]);
    this.securityRules = rules;
    this.securityGroupAssociations = associations;

    this.natPublicIp = new PublicIp(
      this,
      'NatPublicIp',
      applyOverride(
        {
          name: names.of('azureResource', '-pip-nat'),
          resourceGroupName,
          location,
          sku: 'Standard',
          allocationMethod: 'Static',
          zones: ZONE_REDUNDANT,
          tags,
        },
        o.natPublicIp,
      ),
    );
    // A Standard NAT gateway is a regional resource without zones; its zone-redundant IP keeps
    // egress addresses stable.
    this.natGateway = new NatGateway(
      this,
      'NatGateway',
      applyOverride(
        {
          name: names.of('azureResource', '-natgw'),
          resourceGroupName,
          location,
          skuName: 'Standard',
          idleTimeoutInMinutes: 4,
          tags,
        },
        o.natGateway,
      ),
    );
    new NatGatewayPublicIpAssociation(this, 'NatPublicIpAssociation', {
      natGatewayId: this.natGateway.id,
      publicIpAddressId: this.natPublicIp.id,
    });
    new SubnetNatGatewayAssociation(this, 'AppSubnetNatAssociation', {
      subnetId: this.appSubnet.id,
      natGatewayId: this.natGateway.id,
    });
    // The bootstrap job pulls its image from a public registry.
    this.jobsNatAssociation = new SubnetNatGatewayAssociation(this, 'JobsSubnetNatAssociation', {
      subnetId: this.jobsSubnet.id,
      natGatewayId: this.natGateway.id,
    });

    const zone = (cid: string, name: string, linkSuffix: string, ov?: Override<PrivateDnsZoneConfig>) => {
      const z = new PrivateDnsZone(this, `${cid}DnsZone`, applyOverride({ name, resourceGroupName, tags }, ov));
      const link = new PrivateDnsZoneVirtualNetworkLink(this, `${cid}DnsZoneLink`, {
        name: names.of('azureResource', linkSuffix),
        resourceGroupName,
        privateDnsZoneName: z.name,
        virtualNetworkId: this.virtualNetworkId,
        registrationEnabled: false,
        tags,
      });
      return [z, link] as const;
    };
    [this.postgresDnsZone, this.postgresDnsZoneLink] = zone(
      'Postgres',
      names.of('azurePostgresDnsZone'),
      '-link-pg',
      o.postgresDnsZone,
    );
    // Fixed zone names: Azure's private-link DNS resolves these exact zones.
    [this.keyVaultDnsZone, this.keyVaultDnsZoneLink] = zone('KeyVault', KEY_VAULT_DNS_ZONE, '-link-kv');
    [this.redisDnsZone, this.redisDnsZoneLink] = zone('Redis', REDIS_DNS_ZONE, '-link-redis');
    [this.databaseEndpointsDnsZone, this.databaseEndpointsDnsZoneLink] = zone(
      'DatabaseEndpoints',
      databaseZoneName(spec),
      '-link-db',
    );
  }

  /** The VNet on the spec's CIDR and one subnet per role from the neutral address plan. */
  private created(spec: ResolvedSpec, o: NonNullable<AzureNetworkProps['overrides']>): NetworkLayout {
    const names = spec.names;
    const tags = { ...spec.tags };
    const plan = spec.network.subnets;
    const { resourceGroupName, location } = this.where;
    const vnet = new VirtualNetwork(
      this,
      'VirtualNetwork',
      applyOverride(
        {
          name: names.of('azureResource', '-vnet'),
          resourceGroupName,
          location,
          addressSpace: [spec.network.cidr],
          tags,
        },
        o.virtualNetwork,
      ),
    );
    const subnet = (
      cid: string,
      suffix: string,
      prefix: string,
      extra: Partial<SubnetConfig>,
      ov?: Override<SubnetConfig>,
    ) =>
      new Subnet(
        this,
        cid,
        applyOverride(
          {
            name: names.of('azureResource', suffix),
            resourceGroupName,
            virtualNetworkName: vnet.name,
            addressPrefixes: [prefix],
            ...extra,
          },
          ov,
        ),
      );
    // Default outbound access (an implicit public IP per VM) is retired by Azure and bypasses the
    // NAT gateway's fixed egress IP: off on the subnets whose hosts we own.
    const appSubnet = subnet(
      'AppSubnet',
      '-snet-app',
      plan.private[0] as string,
      { defaultOutboundAccessEnabled: false },
      o.appSubnet,
    );
    const gatewaySubnet = subnet('GatewaySubnet', '-snet-agw', plan.public[0] as string, {}, o.gatewaySubnet);
    const databaseSubnet = subnet(
      'DatabaseSubnet',
      '-snet-pg',
      plan.isolated[0] as string,
      {
        delegation: [
          {
            name: 'postgresql-flexible-server',
            serviceDelegation: {
              name: 'Microsoft.DBforPostgreSQL/flexibleServers',
              actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
            },
          },
        ],
      },
      o.databaseSubnet,
    );
    const endpointsSubnet = subnet(
      'EndpointsSubnet',
      '-snet-pe',
      plan.endpoints,
      // Private endpoints ignore NSGs unless network policies are on for the subnet.
      { defaultOutboundAccessEnabled: false, privateEndpointNetworkPolicies: 'NetworkSecurityGroupEnabled' },
      o.endpointsSubnet,
    );
    const jobsSubnet = subnet(
      'JobsSubnet',
      '-snet-jobs',
      plan.jobs,
      {
        defaultOutboundAccessEnabled: false,
        delegation: [
          {
            name: 'container-instances',
            serviceDelegation: {
              name: 'Microsoft.ContainerInstance/containerGroups',
              actions: ['Microsoft.Network/virtualNetworks/subnets/action'],
            },
          },
        ],
      },
      o.jobsSubnet,
    );

    return {
      virtualNetwork: vnet,
      virtualNetworkId: vnet.id,
      subnets: {
        app: appSubnet,
        gateway: gatewaySubnet,
        database: databaseSubnet,
        endpoints: endpointsSubnet,
        jobs: jobsSubnet,
      },
      prefixes: {
        app: plan.private[0] as string,
        gateway: plan.public[0] as string,
        database: plan.isolated[0] as string,
        jobs: plan.jobs,
      },
    };
  }
}

/** The VNet and subnets a network builds on, and the prefixes its NSG rules name. */
interface NetworkLayout {
  readonly virtualNetwork?: VirtualNetwork;
  readonly virtualNetworkId: string;
  readonly subnets: Readonly<Record<AzureSubnetKind, AzureSubnetRef>>;
  readonly prefixes: Readonly<Record<Exclude<AzureSubnetKind, 'endpoints'>, string>>;
}

/** A brought VNet: its subnets as given, their prefixes for the NSG rules. */
function broughtLayout(existing: AzureExistingNetwork): NetworkLayout {
  const s = existing.subnets;
  const ref = (subnet: AzureExistingSubnet): AzureSubnetRef => ({ id: subnet.id });
  return {
    virtualNetworkId: existing.virtualNetworkId,
    subnets: {
      app: ref(s.app),
      gateway: ref(s.gateway),
      database: ref(s.database),
      endpoints: ref(s.endpoints),
      jobs: ref(s.jobs),
    },
    prefixes: {
      app: s.app.addressPrefix,
      gateway: s.gateway.addressPrefix,
      database: s.database.addressPrefix,
      jobs: s.jobs.addressPrefix,
    },
  };
}

/** Only Front Door may reach the gateway: the CDN is on and the spec says DNS has moved to it. */
export function originLocked(spec: Pick<ResolvedSpec, 'cdn'>): boolean {
  return spec.cdn.enabled && spec.cdn.lockOrigin;
}
