import { type Diagram, DiagramBuilder, range } from './model';
import { type TfJson, tfAttr, tfOfType, tfRef } from './terraform';

/*
 * The Azure picture, read from the synthesized cdk.tf.json. Only AZURE_DRAWN_TYPES are looked
 * at; other resources are not drawn.
 */

export const AZURE_DRAWN_TYPES = [
  'azurerm_resource_group',
  'azurerm_virtual_network',
  'azurerm_cdn_frontdoor_profile',
  'azurerm_cdn_frontdoor_custom_domain',
  'azurerm_application_gateway',
  'azurerm_web_application_firewall_policy',
  'azurerm_linux_virtual_machine_scale_set',
  'azurerm_monitor_autoscale_setting',
  'azurerm_managed_redis',
  'azurerm_postgresql_flexible_server',
  'azurerm_private_dns_zone',
  'azurerm_private_dns_cname_record',
  'azurerm_container_group',
  'azurerm_nat_gateway',
  'azurerm_key_vault',
  'azurerm_key_vault_secret',
  'azurerm_monitor_metric_alert',
  'azurerm_monitor_action_group',
] as const;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const zones = (v: unknown) => (Array.isArray(v) && v.length > 0 ? `zones ${v.join(', ')}` : '');

function scaleSets(b: DiagramBuilder, tf: TfJson, net: string) {
  const settings = tfOfType(tf, 'azurerm_monitor_autoscale_setting');
  return tfOfType(tf, 'azurerm_linux_virtual_machine_scale_set').map(([name, p]) => {
    const spot = p.priority === 'Spot';
    const setting = settings.find(
      ([, s]) => tfRef(s.target_resource_id) === `azurerm_linux_virtual_machine_scale_set.${name}`,
    );
    const capacity = tfAttr(setting?.[1], 'profile', 'capacity') as Record<string, number> | undefined;
    const lines = [
      str(p.sku) ?? '',
      capacity ? `${range(capacity.minimum ?? 0, capacity.maximum ?? 0)} VMs${spot ? ' (Spot)' : ''}` : '',
      zones(p.zones),
    ].filter(Boolean);
    return b.node(name, 'compute', `Virtual Machine Scale Set${spot ? ' (Spot)' : ''}`, lines, net);
  });
}

/** Draws each shard's flexible server and replicas; returns the primaries' node ids. */
function databases(b: DiagramBuilder, tf: TfJson, net: string, compute: readonly string[]): string[] {
  const all = tfOfType(tf, 'azurerm_postgresql_flexible_server');
  const drawn: string[] = [];
  const primaries = all
    .filter(([, p]) => p.create_mode !== 'Replica')
    .sort(([, a], [, c]) => String(a.name).localeCompare(String(c.name)));
  primaries.forEach(([name, p], index) => {
    const g = b.group(
      name,
      `shard ${index}: Azure Database for PostgreSQL flexible server ${str(p.name) ?? name}`,
      'shard',
      net,
    );
    const ha = tfAttr(p, 'high_availability', 'mode');
    const standby = str(tfAttr(p, 'high_availability', 'standby_availability_zone'));
    const lines = [
      str(p.sku_name) ?? '',
      ...(p.zone ? [`zone ${p.zone}`] : []),
      ...(ha ? [`HA ${ha}${standby ? `, standby zone ${standby}` : ''}`] : []),
    ];
    const primary = b.node(name, 'database', 'Flexible server primary', lines, g);
    drawn.push(primary);
    const replicas = all
      .filter(([, r]) => tfRef(r.source_server_id) === `azurerm_postgresql_flexible_server.${name}`)
      .sort(([, a], [, c]) => String(a.name).localeCompare(String(c.name)));
    replicas.forEach(([rname, r], i) => {
      const n = b.node(
        rname,
        'database',
        `Read replica ${i + 1}`,
        [str(r.sku_name) ?? '', ...(r.zone ? [`zone ${r.zone}`] : [])],
        g,
      );
      b.edge(primary, n, 'replicates', true);
    });
    for (const c of compute) b.edge(c, primary, index === 0 && c === compute[0] ? 'SQL' : undefined);
  });
  return drawn;
}

/**
 * The private zone of the per-role database names (the zone the CNAME records live in; the
 * private-link zones of Key Vault, Redis and PostgreSQL only clutter) and the bootstrap job.
 */
function databaseSupport(b: DiagramBuilder, tf: TfJson, net: string, from: string | undefined, primaries: string[]) {
  const records = tfOfType(tf, 'azurerm_private_dns_cname_record');
  for (const [name, p] of tfOfType(tf, 'azurerm_private_dns_zone')) {
    const names = records.filter(([, r]) => tfRef(r.zone_name) === `azurerm_private_dns_zone.${name}`).length;
    if (names === 0) continue;
    b.endpointZone(
      name,
      'Private DNS zone',
      [str(p.name) ?? '', `${names} names (writer, readers per shard)`],
      net,
      from,
    );
  }
  for (const [name, p] of tfOfType(tf, 'azurerm_container_group')) {
    const image = str(tfAttr(p, 'container', 'image')) ?? '';
    b.bootstrapJob(
      name,
      'Database bootstrap job (Container Instances)',
      [image, 'runs once per change (restart: never)'],
      net,
      primaries,
    );
  }
}

function front(b: DiagramBuilder, tf: TfJson, internet: string) {
  let from = internet;
  for (const [name, p] of tfOfType(tf, 'azurerm_cdn_frontdoor_profile')) {
    const domains = tfOfType(tf, 'azurerm_cdn_frontdoor_custom_domain')
      .map(([, d]) => str(d.host_name))
      .filter(Boolean) as string[];
    const fd = b.node(name, 'edge', 'Azure Front Door', [
      `${str(p.sku_name)?.replace('_AzureFrontDoor', '') ?? ''} profile ${str(p.name) ?? ''}`,
      ...domains,
    ]);
    b.edge(from, fd, 'HTTPS');
    from = fd;
  }
  return from;
}

export function readAzure(tf: TfJson, title: string): Diagram {
  const b = new DiagramBuilder('azure', title);
  const rg = tfOfType(tf, 'azurerm_resource_group')[0]?.[1];
  const vnet = tfOfType(tf, 'azurerm_virtual_network')[0];
  const internet = b.node('internet', 'internet', 'Internet', ['clients']);
  const from = front(b, tf, internet);
  const region = b.group(
    'region',
    `Azure ${str(rg?.location) ?? 'region'}, resource group ${str(rg?.name) ?? ''}`,
    'region',
  );
  const space = (vnet?.[1].address_space as string[] | undefined)?.join(', ') ?? '';
  const net = b.group(vnet?.[0] ?? 'vnet', `VNet ${str(vnet?.[1].name) ?? ''} ${space}`, 'network', region);
  const policies = new Map(tfOfType(tf, 'azurerm_web_application_firewall_policy'));
  let gateway: string | undefined;
  for (const [name, p] of tfOfType(tf, 'azurerm_application_gateway')) {
    const sku = str(tfAttr(p, 'sku', 'name')) ?? '';
    const scale = tfAttr(p, 'autoscale_configuration') as Record<string, number> | undefined;
    const lines = [
      str(p.name) ?? '',
      `${sku}, ${range(scale?.min_capacity ?? 0, scale?.max_capacity ?? 0)} instances`,
      zones(p.zones),
    ];
    gateway = b.node(name, 'lb', 'Application Gateway v2', lines.filter(Boolean), net);
    const policyName = tfRef(p.firewall_policy_id)?.split('.')[1];
    const policy = policyName ? policies.get(policyName) : undefined;
    if (policy && policyName) {
      const sets = (
        (tfAttr(policy, 'managed_rules', 'managed_rule_set') as Array<Record<string, unknown>> | undefined) ?? []
      )
        .map((s) => `${s.type} ${s.version}`)
        .join(', ');
      const custom = (policy.custom_rules as unknown[] | undefined)?.length ?? 0;
      const waf = b.node(
        policyName,
        'waf',
        'WAF policy (Application Gateway)',
        [sets, `${custom} custom rule${custom === 1 ? '' : 's'}`],
        net,
      );
      b.edge(from, waf, from === internet ? 'HTTPS' : 'origin');
      b.edge(waf, gateway);
    } else b.edge(from, gateway, from === internet ? 'HTTPS' : 'origin');
  }
  const compute = scaleSets(b, tf, net);
  for (const c of compute) b.edge(gateway, c, 'HTTP');
  const c0 = compute[0];
  for (const [name, p] of tfOfType(tf, 'azurerm_managed_redis')) {
    const ha = p.high_availability_enabled === true;
    const cache = b.node(
      name,
      'cache',
      'Azure Managed Redis',
      [
        str(p.sku_name) ?? '',
        ha ? 'high availability (replica placed by the service)' : 'no high availability',
        'private endpoint',
      ],
      net,
    );
    b.edge(c0, cache, 'TLS');
  }
  databaseSupport(b, tf, net, c0, databases(b, tf, net, compute));
  for (const [name, p] of tfOfType(tf, 'azurerm_nat_gateway')) b.nat(name, 'NAT gateway', [str(p.name) ?? ''], net, c0);
  const vault = tfOfType(tf, 'azurerm_key_vault')[0];
  const secrets = tfOfType(tf, 'azurerm_key_vault_secret').length;
  const alerts = tfOfType(tf, 'azurerm_monitor_metric_alert').length;
  const groups = tfOfType(tf, 'azurerm_monitor_action_group').length;
  b.operations(
    c0,
    region,
    vault
      ? { id: vault[0], title: 'Key Vault', lines: [str(vault[1].name) ?? '', `${secrets} secrets, private endpoint`] }
      : undefined,
    alerts > 0
      ? { title: 'Azure Monitor', lines: [`${alerts} metric alerts`, ...(groups > 0 ? ['action group (email)'] : [])] }
      : undefined,
  );
  return b.build();
}
