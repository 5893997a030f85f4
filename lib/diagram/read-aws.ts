import { type Diagram, DiagramBuilder, range, zoneList } from './model';

/*
 * The AWS picture, read from the synthesized CloudFormation template. Only the types in
 * AWS_DRAWN_TYPES are looked at; any other resource (a new one another change adds) is simply
 * not drawn.
 */

type Props = Record<string, unknown>;
export interface CfnTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Props }>;
}

export const AWS_DRAWN_TYPES = [
  'AWS::CloudFront::Distribution',
  'AWS::WAFv2::WebACL',
  'AWS::WAFv2::WebACLAssociation',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBProxy',
  'AWS::RDS::DBProxyTargetGroup',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::NatGateway',
  'AWS::SecretsManager::Secret',
  'Custom::DatabaseStatement',
  'Custom::DatabaseAppPassword',
  'AWS::Lambda::Function',
  'AWS::KMS::Key',
  'AWS::CloudWatch::Alarm',
  'AWS::SNS::Subscription',
] as const;

/** The logical id a Ref or Fn::GetAtt points at. */
function target(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Props;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  }
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined);

function ofType(t: CfnTemplate, type: string): Array<[string, Props]> {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}] as [string, Props]);
}

function cache(b: DiagramBuilder, t: CfnTemplate, region: string): string | undefined {
  let last: string | undefined;
  for (const [id, p] of ofType(t, 'AWS::ElastiCache::ReplicationGroup')) {
    const type = str(p.CacheNodeType) ?? '';
    const engine = str(p.Engine) === 'valkey' ? 'Valkey' : 'Redis OSS';
    const clustered = p.NumNodeGroups !== undefined;
    const shards = clustered ? (num(p.NumNodeGroups) ?? 1) : 1;
    const replicas = clustered ? (num(p.ReplicasPerNodeGroup) ?? 0) : (num(p.NumCacheClusters) ?? 1) - 1;
    const label = `ElastiCache for ${engine} ${str(p.ReplicationGroupId) ?? id}${clustered ? ' (cluster mode)' : ''}`;
    const g = b.group(id, `${label}, ${p.MultiAZEnabled ? 'Multi-AZ, ' : ''}TLS`, 'shard', region);
    for (let s = 0; s < shards; s++) {
      const shard = shards > 1 ? b.group(`${id}_shard${s}`, `shard ${s}`, 'shard', g) : g;
      b.cacheNodes(`${id}_s${s}`, engine, [type], replicas, shard);
    }
    last = g;
  }
  return last;
}

/** Draws each shard's Aurora cluster; returns [cluster logical id, writer node] per shard. */
function databases(
  b: DiagramBuilder,
  t: CfnTemplate,
  region: string,
  compute: string | undefined,
): Array<[string, string]> {
  const writers: Array<[string, string]> = [];
  const instances = ofType(t, 'AWS::RDS::DBInstance');
  const proxies = ofType(t, 'AWS::RDS::DBProxy');
  const targets = ofType(t, 'AWS::RDS::DBProxyTargetGroup');
  const clusters = ofType(t, 'AWS::RDS::DBCluster').sort(([, a], [, b2]) =>
    String(a.DBClusterIdentifier ?? '').localeCompare(String(b2.DBClusterIdentifier ?? '')),
  );
  clusters.forEach(([id, p], index) => {
    const name = str(p.DBClusterIdentifier) ?? id;
    const g = b.group(id, `shard ${index}: Aurora PostgreSQL cluster ${name}`, 'shard', region);
    const members = instances
      .filter(([, i]) => target(i.DBClusterIdentifier) === id)
      .sort(([ia, a], [ib, c]) => (num(a.PromotionTier) ?? 0) - (num(c.PromotionTier) ?? 0) || ia.localeCompare(ib));
    const [writer, ...readers] = members;
    const w = writer
      ? b.node(writer[0], 'database', 'Aurora writer', [str(writer[1].DBInstanceClass) ?? ''], g)
      : undefined;
    if (w) writers.push([id, w]);
    readers.forEach(([rid, r], i) => {
      const n = b.node(rid, 'database', `Aurora reader ${i + 1}`, [str(r.DBInstanceClass) ?? ''], g);
      b.edge(w, n, 'replicates', true);
    });
    const tg = targets.find(([, tp]) =>
      (tp.DBClusterIdentifiers as unknown[] | undefined)?.some((c) => target(c) === id),
    );
    const proxy = proxies.find(([pid]) => tg && target(tg[1].DBProxyName) === pid) ?? (tg ? proxies[index] : undefined);
    if (proxy && w) {
      const pn = b.node(
        proxy[0],
        'pooler',
        'RDS Proxy',
        [str(proxy[1].DBProxyName) ?? '', 'TLS, connection pooling'],
        region,
      );
      b.edge(compute, pn, index === 0 ? 'SQL' : undefined);
      b.edge(pn, w);
    } else b.edge(compute, w, index === 0 ? 'SQL' : undefined);
  });
  return writers;
}

/** Whether a resource's properties reference the logical id (Ref or GetAtt, at any depth). */
const refers = (p: Props, id: string) => {
  const json = JSON.stringify(p);
  return json.includes(`{"Ref":"${id}"}`) || json.includes(`{"Fn::GetAtt":["${id}",`);
};

/**
 * The app login's deploy-time bootstrap: the custom resources that run the role statements through
 * the RDS Data API and set the app password, and the Lambda functions behind them. Outside the VPC
 * (they call AWS APIs only), so drawn in the region.
 */
function bootstrap(b: DiagramBuilder, t: CfnTemplate, region: string, writers: Array<[string, string]>) {
  const steps = [...ofType(t, 'Custom::DatabaseStatement'), ...ofType(t, 'Custom::DatabaseAppPassword')];
  if (steps.length === 0) return;
  const functions = new Set(steps.map(([, p]) => target(p.ServiceToken)).filter(Boolean));
  const lambdas = ofType(t, 'AWS::Lambda::Function').filter(([id]) => functions.has(id)).length;
  const first = writers[0]?.[0] ?? '';
  const statements = ofType(t, 'Custom::DatabaseStatement').filter(([, p]) => refers(p, first)).length;
  b.bootstrapJob(
    'db_bootstrap',
    'Database bootstrap (AWS Lambda, at deploy)',
    [`${lambdas} functions, RDS Data API`, `${statements} role statements per shard, app password`],
    region,
    writers.filter(([cluster]) => steps.some(([, p]) => refers(p, cluster))).map(([, w]) => w),
  );
}

function edge(b: DiagramBuilder, t: CfnTemplate) {
  const acls = ofType(t, 'AWS::WAFv2::WebACL');
  const associations = ofType(t, 'AWS::WAFv2::WebACLAssociation');
  const wafFor = (resource: string) => {
    const assoc = associations.find(([, a]) => target(a.ResourceArn) === resource);
    const acl = acls.find(([id]) => assoc && target(assoc[1].WebACLArn) === id);
    if (!acl) return undefined;
    const rules = Array.isArray(acl[1].Rules) ? acl[1].Rules.length : 0;
    return b.node(acl[0], 'waf', 'AWS WAF web ACL', [
      str(acl[1].Name) ?? '',
      `${rules} rules (managed groups, rate limit)`,
    ]);
  };
  const cdnWaf = (dist: Props) => {
    const id = target((dist.DistributionConfig as Props | undefined)?.WebACLId);
    const acl = acls.find(([aid]) => aid === id);
    if (!acl) return undefined;
    const rules = Array.isArray(acl[1].Rules) ? acl[1].Rules.length : 0;
    return b.node(`${acl[0]}_cdn`, 'waf', 'AWS WAF web ACL (CloudFront)', [
      str(acl[1].Name) ?? '',
      `${rules} rules (managed groups, rate limit per viewer)`,
    ]);
  };
  return { wafFor, cdnWaf };
}

export function readAws(t: CfnTemplate, title: string): Diagram {
  const b = new DiagramBuilder('aws', title);
  const subnets = new Map(ofType(t, 'AWS::EC2::Subnet').map(([id, p]) => [id, str(p.AvailabilityZone) ?? '']));
  const zones = [...new Set(subnets.values())].filter(Boolean).sort();
  const regionName = zones[0]?.slice(0, -1) ?? 'region';
  const region = b.group('region', `AWS ${regionName}`, 'region');
  const [vpcId, vpc] = ofType(t, 'AWS::EC2::VPC')[0] ?? ['vpc', {}];
  const net = b.group(vpcId, `VPC ${str(vpc.CidrBlock) ?? ''}, zones ${zoneList(zones)}`, 'network', region);
  const internet = b.node('internet', 'internet', 'Internet', ['clients']);
  const { wafFor, cdnWaf } = edge(b, t);
  let front: string = internet;
  for (const [id, p] of ofType(t, 'AWS::CloudFront::Distribution')) {
    const aliases = ((p.DistributionConfig as Props | undefined)?.Aliases as string[] | undefined) ?? [];
    const cdn = b.node(id, 'edge', 'Amazon CloudFront', [...aliases, 'HTTPS, HTTP/2 and 3, compression']);
    const waf = cdnWaf(p);
    b.edge(front, waf ?? cdn, 'HTTPS');
    if (waf) b.edge(waf, cdn);
    front = cdn;
  }
  const listeners = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener');
  let lb: string | undefined;
  for (const [id, p] of ofType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const ports = listeners
      .filter(([, l]) => target(l.LoadBalancerArn) === id)
      .map(([, l]) => `${l.Protocol} ${l.Port}`);
    const lbZones = ((p.Subnets as unknown[] | undefined) ?? []).map((s) => subnets.get(target(s) ?? '') ?? '').sort();
    lb = b.node(
      id,
      'lb',
      'Application Load Balancer',
      [str(p.Name) ?? '', ports.sort().join(', '), `zones ${zoneList(lbZones)}`],
      net,
    );
    const waf = wafFor(id);
    b.edge(front, waf ?? lb, front === internet ? 'HTTPS' : 'origin');
    if (waf) b.edge(waf, lb);
  }
  let compute: string | undefined;
  for (const [id, p] of ofType(t, 'AWS::AutoScaling::AutoScalingGroup')) {
    const mixed = p.MixedInstancesPolicy as Props | undefined;
    const overrides = ((mixed?.LaunchTemplate as Props | undefined)?.Overrides as Props[] | undefined) ?? [];
    const types = overrides.map((o) => str(o.InstanceType)).filter(Boolean);
    const dist = mixed?.InstancesDistribution as Props | undefined;
    const spot = dist ? 100 - (num(dist.OnDemandPercentageAboveBaseCapacity) ?? 100) : 0;
    const lines = [
      types.length > 0 ? `${types[0]}${types.length > 1 ? ` (+ ${types.slice(1).join(', ')})` : ''}` : '',
      `${range(num(p.MinSize) ?? 0, num(p.MaxSize) ?? 0)} instances`,
      ...(spot > 0 ? [`${spot}% Spot above ${num(dist?.OnDemandBaseCapacity) ?? 0} on-demand`] : []),
      `zones ${zoneList(((p.AvailabilityZones as string[] | undefined) ?? []).slice().sort())}`,
    ].filter(Boolean);
    compute = b.node(id, 'compute', 'EC2 Auto Scaling group', lines, net);
    b.edge(lb, compute, 'HTTP');
  }
  b.edge(compute, cache(b, t, net), 'TLS');
  bootstrap(b, t, region, databases(b, t, net, compute));
  for (const [id, p] of ofType(t, 'AWS::EC2::NatGateway')) {
    b.nat(id, 'NAT gateway', [subnets.get(target(p.SubnetId) ?? '') ?? ''], net, compute);
  }
  const secrets = ofType(t, 'AWS::SecretsManager::Secret').length;
  const keys = ofType(t, 'AWS::KMS::Key').length;
  const alarms = ofType(t, 'AWS::CloudWatch::Alarm').length;
  const emails = ofType(t, 'AWS::SNS::Subscription').filter(([, p]) => p.Protocol === 'email').length;
  b.operations(
    compute,
    region,
    secrets > 0
      ? {
          id: 'secrets',
          title: 'AWS Secrets Manager',
          lines: [`${secrets} secrets`, ...(keys > 0 ? [`KMS: ${keys} key`] : [])],
        }
      : undefined,
    alarms > 0
      ? { title: 'Amazon CloudWatch', lines: [`${alarms} alarms`, ...(emails > 0 ? ['SNS email'] : [])] }
      : undefined,
  );
  return b.build();
}
