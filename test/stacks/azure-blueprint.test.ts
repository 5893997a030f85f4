import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformStack, Testing } from 'cdktf';
import {
  AzureBlueprint,
  type AzureBlueprintProps,
  AzureBlueprintStack,
  applyCompanyRules,
} from '../../stacks/azure-stack';
import { resolved } from '../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = any;

function userStack(props: Partial<AzureBlueprintProps>, before?: (stack: TerraformStack) => void): Json {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'team-stack');
  before?.(stack);
  new AzureBlueprint(stack, 'Backend', { spec: resolved('staging'), ...props });
  return JSON.parse(Testing.synth(stack));
}
const addressesOf = (tf: Json): string[] =>
  Object.entries(tf.resource as Record<string, object>).flatMap(([t, byId]) =>
    Object.keys(byId).map((i) => `${t}.${i}`),
  );
const bodies = (tf: Json, type: string): Json[] => Object.values(tf.resource[type] ?? {});

const VNET = '/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/shared';
const subnet = (name: string, addressPrefix: string) => ({ id: `${VNET}/subnets/${name}`, addressPrefix });
const TEAM_NETWORK = {
  virtualNetworkId: VNET,
  subnets: {
    app: subnet('apps', '10.50.0.0/22'),
    gateway: subnet('agw', '10.50.4.0/24'),
    database: subnet('pg', '10.50.5.0/24'),
    endpoints: subnet('pe', '10.50.6.0/24'),
    jobs: subnet('jobs', '10.50.7.0/24'),
  },
};

describe('AzureBlueprint', () => {
  test('GIVEN the stack wrapper WHEN synthesized THEN its addresses are the construct form\'s under id Default, none naming "Default"', () => {
    const spec = resolved('prod');
    const app = Testing.app();
    const wrapped = JSON.parse(Testing.synth(new AzureBlueprintStack(app, 'shop-api-prod-azure', { spec })));
    const plain = new TerraformStack(app, 'plain');
    new AzureBlueprint(plain, 'Default', { spec });
    expect(addressesOf(wrapped).sort()).toEqual(addressesOf(JSON.parse(Testing.synth(plain))).sort());
    expect(addressesOf(wrapped).some((a) => a.includes('Default'))).toBe(false);
  });

  test('GIVEN a stack with its own azurerm provider WHEN the blueprint is added THEN no second azurerm; random and tls are added once', () => {
    const tf = userStack(
      {},
      (stack) => new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: 'team-sub' }),
    );
    expect(tf.provider.azurerm).toHaveLength(1);
    expect(tf.provider.azurerm[0].subscription_id).toBe('team-sub');
    expect(tf.provider.random).toEqual([{}]);
    expect(tf.provider.tls).toEqual([{}]);
  });

  test('GIVEN a brought resource group, VNet and subnets WHEN synthesized THEN none is created; NSGs, NAT and DNS attach to them and the NSG rules name their prefixes', () => {
    const tf = userStack({
      resourceGroup: { resourceGroupName: 'rg-team', location: 'westeurope' },
      network: TEAM_NETWORK,
    });
    for (const type of ['azurerm_resource_group', 'azurerm_virtual_network', 'azurerm_subnet']) {
      expect({ type, created: type in tf.resource }).toEqual({ type, created: false });
    }
    const associated = bodies(tf, 'azurerm_subnet_network_security_group_association').map((a) => a.subnet_id);
    expect(associated.sort()).toEqual(
      Object.values(TEAM_NETWORK.subnets)
        .map((s) => s.id)
        .sort(),
    );
    const nat = bodies(tf, 'azurerm_subnet_nat_gateway_association').map((a) => a.subnet_id);
    expect(nat.sort()).toEqual([TEAM_NETWORK.subnets.app.id, TEAM_NETWORK.subnets.jobs.id].sort());
    for (const link of bodies(tf, 'azurerm_private_dns_zone_virtual_network_link')) {
      expect(link.virtual_network_id).toBe(VNET);
    }
    const source = (rule: string) =>
      bodies(tf, 'azurerm_network_security_rule').find((r) => r.name === rule).source_address_prefix;
    expect(source('allow-gateway-to-app')).toBe('10.50.4.0/24');
    expect(source('allow-app-to-postgres')).toBe('10.50.0.0/22');
    expect(source('allow-jobs-to-postgres')).toBe('10.50.7.0/24');
    expect(source('allow-postgres-subnet')).toBe('10.50.5.0/24');
    const server = bodies(tf, 'azurerm_postgresql_flexible_server').find((s) => !s.create_mode);
    expect(server.delegated_subnet_id).toBe(TEAM_NETWORK.subnets.database.id);
    expect(server.resource_group_name).toBe('rg-team');
  });

  test('GIVEN instance hooks WHEN synthesized THEN `instance` reaches every server, `replica` only the one it picks, and nothing else changes', () => {
    const plain = userStack({ spec: resolved('staging', { database: { readReplicas: 2 } }) });
    const tf = userStack({
      spec: resolved('staging', { database: { readReplicas: 2 } }),
      overrides: {
        database: {
          instance: (p) => ({ ...p, tags: { ...p.tags, tier: 'gold' } }),
          replica: (p, at) => (at.replica === 2 ? { ...p, skuName: 'GP_Standard_D8ds_v5' } : p),
        },
      },
    });
    const byName = (j: Json) =>
      Object.fromEntries(bodies(j, 'azurerm_postgresql_flexible_server').map((s) => [s.name, s]));
    const servers = byName(tf);
    const before = byName(plain);
    const names = Object.keys(servers).sort();
    expect(names).toHaveLength(3);
    for (const n of names) expect(servers[n].tags.tier).toBe('gold');
    const r2 = names.find((n) => n.endsWith('-r2')) as string;
    const r1 = names.find((n) => n.endsWith('-r1')) as string;
    expect(servers[r2].sku_name).toBe('GP_Standard_D8ds_v5');
    expect(servers[r1].sku_name).toBe(before[r1].sku_name);
    const { tags: _t, ...primaryRest } = servers[names.find((n) => !n.includes('-r')) as string];
    const { tags: _b, ...primaryBefore } = before[names.find((n) => !n.includes('-r')) as string];
    expect(primaryRest).toEqual(primaryBefore);
  });

  test('GIVEN a brought action group WHEN synthesized THEN none is created and every notifying alert uses it', () => {
    const group = '/subscriptions/s/resourceGroups/ops/providers/microsoft.insights/actionGroups/oncall';
    const tf = userStack({ actionGroupId: group });
    expect(tf.resource.azurerm_monitor_action_group).toBeUndefined();
    const actions = bodies(tf, 'azurerm_monitor_metric_alert').flatMap((a) =>
      (a.action ?? []).map((x: Json) => x.action_group_id),
    );
    expect(actions.length).toBeGreaterThan(5);
    expect(new Set(actions)).toEqual(new Set([group]));
  });

  test("GIVEN company rules WHEN synthesized THEN names carry the prefix and every tagged resource, the team's own too, the tags", () => {
    const tf = userStack({ companyRules: { namePrefix: 'acme', tags: { 'cost-center': 'cc-9' } } }, (stack) => {
      new ResourceGroup(stack, 'team-rg', { name: 'rg-team-tools', location: 'eastus', tags: { owner: 'web' } });
      applyCompanyRules(stack, { tags: { 'cost-center': 'cc-9' } });
    });
    expect(tf.resource.azurerm_resource_group['team-rg'].tags).toEqual({ owner: 'web', 'cost-center': 'cc-9' });
    const rg = bodies(tf, 'azurerm_resource_group').find((r) => r.name !== 'rg-team-tools');
    expect(rg.name).toBe('rg-acme-shop-api-stg');
    expect(rg.tags['cost-center']).toBe('cc-9');
    for (const s of bodies(tf, 'azurerm_postgresql_flexible_server')) expect(s.name).toMatch(/^pg-acme-shop-api-stg-/);
  });
});
