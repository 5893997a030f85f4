import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { AzureNetwork, ZONE_REDUNDANT } from '../../../constructs/azure/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build));
}
const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const byName = (json: Json, type: string, name: string): Json => {
  const found = all(json, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};
const network = (spec: ResolvedSpec, extra: Partial<ConstructorParameters<typeof AzureNetwork>[2]> = {}) =>
  synth((scope) => {
    new AzureNetwork(scope, 'Network', { spec, ...extra });
  });

describe('AzureNetwork', () => {
  const spec = resolved('prod');
  const json = network(spec);
  const plan = spec.network.subnets;

  test('GIVEN the prod preset WHEN synthesized THEN the VNet spans the spec CIDR in the named resource group', () => {
    const [rg] = all(json, 'azurerm_resource_group');
    expect(rg?.name).toBe('rg-shop-api-prd');
    expect(rg?.location).toBe('eastus');
    const [vnet] = all(json, 'azurerm_virtual_network');
    expect(vnet?.address_space).toEqual(['10.0.0.0/16']);
  });

  test('GIVEN the address plan WHEN synthesized THEN each role gets its planned subnet', () => {
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-app').address_prefixes).toEqual([plan.private[0]]);
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-agw').address_prefixes).toEqual([plan.public[0]]);
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-pg').address_prefixes).toEqual([plan.isolated[0]]);
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-pe').address_prefixes).toEqual([plan.endpoints]);
  });

  test('GIVEN the database subnet WHEN synthesized THEN it is delegated to Flexible Server', () => {
    const pg = byName(json, 'azurerm_subnet', 'shop-api-prd-snet-pg');
    expect(pg.delegation[0].service_delegation.name).toBe('Microsoft.DBforPostgreSQL/flexibleServers');
  });

  test('GIVEN the app and endpoint subnets WHEN synthesized THEN default outbound access is off and PE policies are on', () => {
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-app').default_outbound_access_enabled).toBe(false);
    expect(byName(json, 'azurerm_subnet', 'shop-api-prd-snet-pe').private_endpoint_network_policies).toBe(
      'NetworkSecurityGroupEnabled',
    );
  });

  test('GIVEN the app NSG WHEN synthesized THEN only the gateway subnet reaches the app port and other VNet traffic is denied', () => {
    const rules = all(json, 'azurerm_network_security_rule').filter((r) =>
      String(r.network_security_group_name).includes('Network_AppSecurityGroup_'),
    );
    const allow = rules.find((r) => r.name === 'allow-gateway-to-app');
    expect(allow?.source_address_prefix).toBe(plan.public[0]);
    expect(allow?.destination_port_range).toBe('8080');
    expect(allow?.access).toBe('Allow');
    const deny = rules.find((r) => r.name === 'deny-other-vnet-inbound');
    expect(deny).toMatchObject({ access: 'Deny', source_address_prefix: 'VirtualNetwork', priority: 4000 });
    expect(
      rules
        .filter((r) => r.access === 'Allow')
        .map((r) => r.source_address_prefix)
        .sort(),
    ).toEqual([plan.public[0], 'AzureLoadBalancer'].sort());
  });

  test('GIVEN the gateway NSG WHEN synthesized THEN GatewayManager 65200-65535 and web traffic from the internet are allowed', () => {
    const rules = all(json, 'azurerm_network_security_rule').filter((r) =>
      String(r.network_security_group_name).includes('Network_GatewaySecurityGroup_'),
    );
    expect(rules.find((r) => r.name === 'allow-gateway-manager')).toMatchObject({
      source_address_prefix: 'GatewayManager',
      destination_port_range: '65200-65535',
    });
    expect(rules.find((r) => r.name === 'allow-web-inbound')).toMatchObject({
      source_address_prefix: 'Internet',
      destination_port_ranges: ['80', '443'],
    });
  });

  test('GIVEN the CDN on and the origin locked WHEN synthesized THEN the gateway accepts web traffic from Front Door only', () => {
    const cdn = network(resolved('prod', { cdn: { enabled: true, lockOrigin: true } }));
    const web = all(cdn, 'azurerm_network_security_rule').find((r) => r.name === 'allow-web-inbound');
    expect(web?.source_address_prefix).toBe('AzureFrontDoor.Backend');
  });

  test('GIVEN the CDN just turned on (origin not locked) WHEN synthesized THEN clients still resolving to the gateway get in', () => {
    const cdn = network(resolved('prod', { cdn: { enabled: true } }));
    const web = all(cdn, 'azurerm_network_security_rule').find((r) => r.name === 'allow-web-inbound');
    expect(web?.source_address_prefix).toBe('Internet');
  });

  test('GIVEN the database NSG WHEN synthesized THEN the app subnet reaches PostgreSQL and PgBouncer ports only', () => {
    const allow = all(json, 'azurerm_network_security_rule').find((r) => r.name === 'allow-app-to-postgres');
    expect(allow).toMatchObject({ source_address_prefix: plan.private[0], destination_port_ranges: ['5432', '6432'] });
  });

  test('GIVEN five subnets WHEN synthesized THEN each has exactly one NSG association', () => {
    expect(all(json, 'azurerm_network_security_group')).toHaveLength(5);
    expect(all(json, 'azurerm_subnet_network_security_group_association')).toHaveLength(5);
  });

  test('GIVEN NSG rules created separately WHEN synthesized THEN each association waits for every rule of its NSG', () => {
    // Attached before its rules exist, the gateway NSG blocks GatewayManager and Azure rejects the
    // gateway (hashicorp/terraform-provider-azurerm#14434).
    const rules = Object.entries(json.resource.azurerm_network_security_rule as Record<string, Json>);
    for (const [, assoc] of Object.entries(
      json.resource.azurerm_subnet_network_security_group_association as Record<string, Json>,
    )) {
      const nsg = String(assoc.network_security_group_id).replace(/^\$\{(.*)\.id\}$/, '$1');
      const own = rules
        .filter(([, r]) => String(r.network_security_group_name) === `\${${nsg}.name}`)
        .map(([id]) => `azurerm_network_security_rule.${id}`);
      expect(own.length).toBeGreaterThan(0);
      expect([...(assoc.depends_on as string[])].sort()).toEqual(own.sort());
    }
    const gateway = all(json, 'azurerm_subnet_network_security_group_association').find((a) =>
      String(a.subnet_id).includes('Network_GatewaySubnet_'),
    );
    expect(gateway?.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/Network_GatewayRule-allow-gateway-manager_/)]),
    );
  });

  test('GIVEN the jobs subnet WHEN synthesized THEN it is delegated to container instances, egresses through NAT and reaches PostgreSQL only', () => {
    const jobs = byName(json, 'azurerm_subnet', 'shop-api-prd-snet-jobs');
    expect(jobs.address_prefixes).toEqual([plan.jobs]);
    expect(jobs.default_outbound_access_enabled).toBe(false);
    expect(jobs.delegation[0].service_delegation.name).toBe('Microsoft.ContainerInstance/containerGroups');
    const nat = all(json, 'azurerm_subnet_nat_gateway_association').map((a) => a.subnet_id);
    expect(nat).toEqual(expect.arrayContaining([expect.stringMatching(/Network_JobsSubnet_/)]));
    const rules = all(json, 'azurerm_network_security_rule');
    expect(rules.find((r) => r.name === 'allow-jobs-to-postgres')).toMatchObject({
      source_address_prefix: plan.jobs,
      destination_port_range: '5432',
      network_security_group_name: expect.stringMatching(/Network_DatabaseSecurityGroup_/),
    });
    const jobRules = rules.filter((r) => String(r.network_security_group_name).includes('Network_JobsSecurityGroup_'));
    expect(jobRules.map((r) => r.access)).toEqual(['Deny']);
  });

  test('GIVEN NAT egress WHEN synthesized THEN a Standard NAT gateway with a zone-redundant IP serves the app subnet', () => {
    const [ip] = all(json, 'azurerm_public_ip');
    expect(ip).toMatchObject({ sku: 'Standard', allocation_method: 'Static', zones: ZONE_REDUNDANT });
    const [nat] = all(json, 'azurerm_nat_gateway');
    expect(nat?.sku_name).toBe('Standard');
    const [assoc] = all(json, 'azurerm_subnet_nat_gateway_association');
    expect(assoc?.subnet_id).toMatch(/azurerm_subnet\.Network_AppSubnet_/);
  });

  test('GIVEN private DNS WHEN synthesized THEN the PostgreSQL, Key Vault, Redis and database-endpoint zones are linked to the VNet', () => {
    const zones = all(json, 'azurerm_private_dns_zone').map((z) => z.name);
    expect(zones.sort()).toEqual(
      [
        'db.shop-api-prd.internal',
        'privatelink.redis.azure.net',
        'privatelink.vaultcore.azure.net',
        'shop-api-prd.private.postgres.database.azure.com',
      ].sort(),
    );
    expect(all(json, 'azurerm_private_dns_zone_virtual_network_link')).toHaveLength(4);
  });

  test('GIVEN tags in the spec WHEN synthesized THEN taggable resources carry them', () => {
    const tagged = resolved('prod', { tags: { team: 'payments' } });
    const t = network(tagged);
    expect(all(t, 'azurerm_virtual_network')[0]?.tags).toMatchObject({ team: 'payments', app: 'shop-api' });
    expect(all(t, 'azurerm_nat_gateway')[0]?.tags).toMatchObject({ team: 'payments' });
  });

  test('GIVEN an existing resource group WHEN synthesized THEN none is created and resources go into it', () => {
    const t = network(spec, { existingResourceGroup: { resourceGroupName: 'platform-rg', location: 'westeurope' } });
    expect(all(t, 'azurerm_resource_group')).toHaveLength(0);
    expect(all(t, 'azurerm_virtual_network')[0]).toMatchObject({
      resource_group_name: 'platform-rg',
      location: 'westeurope',
    });
  });

  test('GIVEN a VNet override WHEN synthesized THEN it is applied after the spec values', () => {
    const t = network(spec, {
      overrides: { virtualNetwork: (p) => ({ ...p, dnsServers: ['10.0.0.4'] }) },
    });
    expect(all(t, 'azurerm_virtual_network')[0]).toMatchObject({
      dns_servers: ['10.0.0.4'],
      address_space: ['10.0.0.0/16'],
    });
  });
});
