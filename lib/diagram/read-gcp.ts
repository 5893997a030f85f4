import { type Diagram, DiagramBuilder, range, zoneList } from './model';
import { type TfJson, tfAttr, tfOfType, tfRef } from './terraform';

/*
 * The GCP picture, read from the synthesized cdk.tf.json. Only GCP_DRAWN_TYPES are looked at;
 * other resources are not drawn.
 */

export const GCP_DRAWN_TYPES = [
  'google_compute_network',
  'google_compute_subnetwork',
  'google_compute_global_forwarding_rule',
  'google_compute_backend_service',
  'google_compute_security_policy',
  'google_compute_region_instance_group_manager',
  'google_compute_region_instance_template',
  'google_compute_region_autoscaler',
  'google_compute_router_nat',
  'google_redis_instance',
  'google_redis_cluster',
  'google_sql_database_instance',
  'google_dns_managed_zone',
  'google_dns_record_set',
  'google_compute_instance',
  'google_secret_manager_secret',
  'google_monitoring_alert_policy',
  'google_monitoring_notification_channel',
] as const;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

function groups(b: DiagramBuilder, tf: TfJson, region: string) {
  const templates = new Map(tfOfType(tf, 'google_compute_region_instance_template'));
  const scalers = tfOfType(tf, 'google_compute_region_autoscaler');
  return tfOfType(tf, 'google_compute_region_instance_group_manager').map(([name, p]) => {
    const version = ((p.version as Array<Record<string, unknown>> | undefined) ?? [])[0];
    const template = templates.get(tfRef(version?.instance_template)?.split('.')[1] ?? '');
    const spot = tfAttr(template, 'scheduling', 'provisioning_model') === 'SPOT';
    const scaler = scalers.find(([, s]) => tfRef(s.target) === `google_compute_region_instance_group_manager.${name}`);
    const policy = scaler?.[1].autoscaling_policy as Record<string, unknown> | undefined;
    const lines = [
      str(template?.machine_type) ?? '',
      `${range(num(policy?.min_replicas) ?? 0, num(policy?.max_replicas) ?? 0)} VMs${spot ? ' (Spot)' : ''}`,
      `zones ${zoneList(((p.distribution_policy_zones as string[] | undefined) ?? []).slice().sort())}`,
    ];
    return b.node(name, 'compute', `Managed instance group${spot ? ' (Spot)' : ''}`, lines, region);
  });
}

function cache(b: DiagramBuilder, tf: TfJson, region: string): string | undefined {
  let last: string | undefined;
  for (const [name, p] of tfOfType(tf, 'google_redis_instance')) {
    const ha = p.tier === 'STANDARD_HA';
    const g = b.group(
      name,
      `Memorystore for Redis ${str(p.name) ?? name}, ${ha ? 'Standard tier (HA)' : 'Basic tier'}`,
      'shard',
      region,
    );
    b.cacheNodes(name, 'Redis', [`${num(p.memory_size_gb) ?? '?'} GB`], ha ? (num(p.replica_count) ?? 1) : 0, g);
    last = g;
  }
  for (const [name, p] of tfOfType(tf, 'google_redis_cluster')) {
    const g = b.group(name, `Memorystore for Redis Cluster ${str(p.name) ?? name}`, 'shard', region);
    const shards = num(p.shard_count) ?? 1;
    const replicas = num(p.replica_count) ?? 0;
    for (let s = 0; s < shards; s++) {
      const sg = b.group(`${name}_shard${s}`, `shard ${s}`, 'shard', g);
      b.cacheNodes(`${name}_s${s}`, 'Redis', [str(p.node_type) ?? ''], replicas, sg);
    }
    last = g;
  }
  return last;
}

/** Draws each shard's Cloud SQL primary and replicas; returns the primaries' node ids. */
function databases(b: DiagramBuilder, tf: TfJson, region: string, compute: readonly string[]): string[] {
  const all = tfOfType(tf, 'google_sql_database_instance');
  const drawn: string[] = [];
  const primaries = all
    .filter(([, p]) => p.master_instance_name === undefined)
    .sort(([, a], [, c]) => String(a.name).localeCompare(String(c.name)));
  primaries.forEach(([name, p], index) => {
    const g = b.group(name, `shard ${index}: Cloud SQL for PostgreSQL ${str(p.name) ?? name}`, 'shard', region);
    const ha = tfAttr(p, 'settings', 'availability_type') === 'REGIONAL';
    const tier = str(tfAttr(p, 'settings', 'tier')) ?? '';
    const primary = b.node(
      name,
      'database',
      'Cloud SQL primary',
      [tier, ha ? 'HA: standby in another zone' : 'zonal'],
      g,
    );
    drawn.push(primary);
    const replicas = all.filter(([, r]) => tfRef(r.master_instance_name) === `google_sql_database_instance.${name}`);
    replicas
      .sort(([, a], [, c]) => String(a.name).localeCompare(String(c.name)))
      .forEach(([rname, r], i) => {
        const n = b.node(
          rname,
          'database',
          `Cloud SQL read replica ${i + 1}`,
          [str(tfAttr(r, 'settings', 'tier')) ?? ''],
          g,
        );
        b.edge(primary, n, 'replicates', true);
      });
    for (const c of compute) b.edge(c, primary, index === 0 && c === compute[0] ? 'SQL' : undefined);
  });
  return drawn;
}

/** The private zone of the per-role database names the app resolves, and the one-shot roles job VM. */
function databaseSupport(b: DiagramBuilder, tf: TfJson, net: string, from: string | undefined, primaries: string[]) {
  const records = tfOfType(tf, 'google_dns_record_set');
  for (const [name, p] of tfOfType(tf, 'google_dns_managed_zone')) {
    const names = records.filter(([, r]) => tfRef(r.managed_zone) === `google_dns_managed_zone.${name}`).length;
    b.endpointZone(
      name,
      `Cloud DNS ${str(p.visibility) === 'private' ? 'private ' : ''}zone`,
      [str(p.dns_name)?.replace(/\.$/, '') ?? '', `${names} names (writer, reader per shard)`],
      net,
      from,
    );
  }
  for (const [name, p] of tfOfType(tf, 'google_compute_instance')) {
    b.bootstrapJob(
      name,
      'Database roles job (Compute Engine VM)',
      [str(p.machine_type) ?? '', 'runs once per change, then powers off'],
      net,
      primaries,
    );
  }
}

export function readGcp(tf: TfJson, title: string): Diagram {
  const b = new DiagramBuilder('gcp', title);
  const subnet = tfOfType(tf, 'google_compute_subnetwork')[0]?.[1];
  const regionName = str(subnet?.region) ?? 'region';
  const network = tfOfType(tf, 'google_compute_network')[0];
  const internet = b.node('internet', 'internet', 'Internet', ['clients']);
  const backends = tfOfType(tf, 'google_compute_backend_service');
  const rules = tfOfType(tf, 'google_compute_global_forwarding_rule');
  const ports = rules
    .map(([, r]) => str(r.port_range))
    .filter(Boolean)
    .sort();
  let front = internet;
  const cdn = backends.find(([, p]) => p.enable_cdn === true);
  if (cdn) {
    front = b.node('cloud_cdn', 'edge', 'Cloud CDN', [str(cdn[1].description) ?? '', 'on the load balancer backend']);
    b.edge(internet, front, 'HTTPS');
  }
  const policy = tfOfType(tf, 'google_compute_security_policy')[0];
  const armor = policy
    ? b.node(policy[0], 'waf', 'Cloud Armor policy', [
        str(policy[1].name) ?? '',
        `${(policy[1].rule as unknown[] | undefined)?.length ?? 0} rules (preconfigured WAF, rate limit)`,
      ])
    : undefined;
  const lb =
    rules.length > 0
      ? b.node('load_balancer', 'lb', 'External Application Load Balancer (global)', [
          `ports ${ports.join(', ')}`,
          `${backends.length} backend service(s)`,
        ])
      : undefined;
  b.edge(front, armor ?? lb, front === internet ? 'HTTPS' : undefined);
  b.edge(armor, lb);
  const region = b.group('region', `Google Cloud ${regionName}`, 'region');
  const net = b.group(
    network?.[0] ?? 'network',
    `VPC ${str(network?.[1].name) ?? ''}, subnet ${str(subnet?.ip_cidr_range) ?? ''}`,
    'network',
    region,
  );
  const compute = groups(b, tf, net);
  for (const c of compute) b.edge(lb, c, 'HTTP');
  const c0 = compute[0];
  b.edge(c0, cache(b, tf, net), 'TLS');
  databaseSupport(b, tf, net, c0, databases(b, tf, net, compute));
  for (const [name, p] of tfOfType(tf, 'google_compute_router_nat'))
    b.nat(name, 'Cloud NAT', [str(p.name) ?? '', 'regional'], net, c0);
  const secrets = tfOfType(tf, 'google_secret_manager_secret').length;
  const alerts = tfOfType(tf, 'google_monitoring_alert_policy').length;
  const channels = tfOfType(tf, 'google_monitoring_notification_channel').length;
  b.operations(
    c0,
    region,
    secrets > 0 ? { id: 'secrets', title: 'Secret Manager', lines: [`${secrets} secrets`] } : undefined,
    alerts > 0
      ? { title: 'Cloud Monitoring', lines: [`${alerts} alert policies`, ...(channels > 0 ? ['email channel'] : [])] }
      : undefined,
  );
  return b.build();
}
