import { CLOUDS, type Cloud } from '../../lib/constants';
import {
  AWS_WEB_ACL_RULES,
  awsAlarmCount,
  azureGatewayCapacity,
  BOOT_DISK,
  cloudCost,
  databaseServers,
  GCP_ARMOR_RULES,
  instanceSplit,
  PRICE_TABLES,
  sizeTablePriceKeys,
} from '../../lib/cost';
import { BILLING } from '../../lib/prices/billing';
import { isListPrice } from '../../lib/prices/types';
import type { ResolvedSpec } from '../../lib/resolve';
import { resolveTraffic } from '../../lib/traffic';
import { resolved } from '../fixtures';
import { cfnOfType, type Synthesized, synthToFiles, tfOfType } from '../support/outputs';

/*
 * The monthly cost model: every billed resource the stacks emit and every size-table entry has a
 * price (or an explicit "free" / "unavailable" with the reason), the lines add up to the totals,
 * one spec's bill is worked out by hand, and the quantities the model bills match what the
 * synthesized stacks create.
 */

const SPECS: Record<string, () => ResolvedSpec> = {
  dev: () => resolved('dev'),
  prod: () => resolved('prod'),
  example: () => resolved('example'),
  // Clustered cache, two shards with readers, Spot, CDN without WAF, no pooling.
  grown: () =>
    resolved('prod', {
      cache: { shards: 3, replicasPerShard: 1 },
      database: { shards: 2, readReplicas: 1, connectionPooling: false },
      compute: { spotPercent: 50 },
      cdn: { enabled: true },
      loadBalancer: { waf: false },
    }),
};

const synthesized: Record<string, { spec: ResolvedSpec; out: Synthesized }> = {};
beforeAll(() => {
  for (const [name, make] of Object.entries(SPECS)) {
    const spec = make();
    synthesized[name] = { spec, out: synthToFiles(spec) };
  }
}, 240_000);

function emittedTypes(cloud: Cloud): Set<string> {
  const types = new Set<string>();
  for (const { out } of Object.values(synthesized)) {
    if (cloud === 'aws') for (const r of Object.values(out.aws?.Resources ?? {})) types.add(r.Type);
    else for (const type of Object.keys(out[cloud]?.resource ?? {})) types.add(type);
  }
  return types;
}

describe('price coverage', () => {
  it.each(CLOUDS)(
    'GIVEN every resource type the %s stacks emit WHEN looked up THEN it is billed by named prices or free with a reason',
    (cloud) => {
      const types = emittedTypes(cloud);
      expect(types.size).toBeGreaterThan(25);
      const missing = [...types].filter((t) => BILLING[cloud][t] === undefined).sort();
      expect(missing).toEqual([]);
    },
  );

  it.each(CLOUDS)(
    'GIVEN the %s billing catalogue WHEN its price keys are looked up THEN each is in the dated price table',
    (cloud) => {
      const keys = Object.values(BILLING[cloud]).flatMap((b) => ('prices' in b ? b.prices : []));
      const absent = keys.filter((k) => !k.endsWith(':*') && PRICE_TABLES[cloud].prices[k] === undefined);
      expect(absent).toEqual([]);
    },
  );

  it.each(CLOUDS)('GIVEN every %s size-table entry WHEN priced THEN the table has a price or says why not', (cloud) => {
    const absent = sizeTablePriceKeys(cloud).filter((k) => PRICE_TABLES[cloud].prices[k] === undefined);
    expect(absent).toEqual([]);
  });

  it('GIVEN the price tables WHEN read THEN every entry is dated, in the default region and cites an https page', () => {
    for (const cloud of CLOUDS) {
      const table = PRICE_TABLES[cloud];
      expect(table.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(table.region).toBe({ aws: 'us-east-1', gcp: 'us-central1', azure: 'eastus' }[cloud]);
      for (const entry of Object.values(table.prices)) expect(entry.source).toMatch(/^https:\/\//);
    }
  });

  it('GIVEN the entries without a price WHEN listed THEN they are exactly the ones the docs name (adding one is a decision)', () => {
    const unavailable = CLOUDS.flatMap((c) =>
      Object.entries(PRICE_TABLES[c].prices)
        .filter(([, p]) => !isListPrice(p))
        .map(([k]) => `${c} ${k}`),
    );
    expect(unavailable).toEqual([
      'aws spot',
      'gcp spot',
      'gcp cache:5',
      'gcp cache:13',
      'gcp cache:26',
      'gcp cache:52',
      'gcp cache-cluster:REDIS_STANDARD_SMALL',
      'gcp cache-cluster:REDIS_HIGHMEM_MEDIUM',
      'gcp cache-cluster:REDIS_HIGHMEM_XLARGE',
      'gcp lb-address',
      'gcp alerting',
      'azure spot',
      'azure disk:Premium_LRS-30',
      'azure cache:Balanced_B3',
      'azure cache:Balanced_B10',
      'azure cache:Balanced_B20',
      'azure cache:Balanced_B50',
      'azure database:GP_Standard_D2ds_v5',
      'azure database:MO_Standard_E2ds_v5',
      'azure database:MO_Standard_E4ds_v5',
      'azure database:MO_Standard_E8ds_v5',
    ]);
  });
});

describe('cost arithmetic', () => {
  it.each(Object.keys(SPECS).flatMap((s) => CLOUDS.map((c) => [s, c] as const)))(
    'GIVEN the %s spec on %s WHEN estimated (with and without traffic) THEN the items add up to the totals',
    (name, cloud) => {
      const spec = (SPECS[name] as () => ResolvedSpec)();
      for (const traffic of [undefined, resolveTraffic({ peakRequestsPerSecond: 1500, responseKiB: 20 })]) {
        const cost = cloudCost(spec, cloud, traffic);
        expect(cost.estimate).toBe(true);
        expect(cost.atMin).toBeCloseTo(
          cost.items.reduce((n, i) => n + i.atMin, 0),
          2,
        );
        expect(cost.atMax).toBeCloseTo(
          cost.items.reduce((n, i) => n + i.atMax, 0),
          2,
        );
        expect(cost.atMax).toBeGreaterThanOrEqual(cost.atMin);
      }
    },
  );

  it('GIVEN the prod preset on AWS without traffic WHEN estimated THEN each line and the totals match the hand calculation', () => {
    const cost = cloudCost(resolved('prod'), 'aws');
    const line = (item: string) => cost.items.find((i) => i.item === item);
    // m7i.large $0.1008/h × 730 h: 2 instances = 147.17, 10 = 735.84; gp3 30 GB × $0.08: 4.80 / 24.00.
    expect(line('compute (on-demand)')).toMatchObject({ atMin: 147.17, atMax: 735.84 });
    expect(line('boot disks')).toMatchObject({ atMin: 4.8, atMax: 24 });
    // ALB $0.0225 × 730 = 16.43 (16.425); 3 zone addresses × $0.005 × 730 = 10.95; WAF $5 + 4 rules × $1.
    expect(line('load balancer')?.atMin).toBeCloseTo(16.43, 1);
    expect(line('load balancer addresses')?.atMin).toBeCloseTo(10.95, 2);
    expect((line('WAF web ACL')?.atMin ?? 0) + (line('WAF rules')?.atMin ?? 0)).toBe(9);
    // 2 cache.r7g.large (Valkey $0.1752) × 730 = 255.79.
    expect(line('cache nodes')?.atMin).toBeCloseTo(255.79, 2);
    // db.r7g.large $0.276 × 730 = 201.48; 2 readers = 402.96; 100 GB × $0.10 = 10; proxy 6 vCPU × $0.015 × 730 = 65.70.
    expect(line('database primaries')?.atMin).toBeCloseTo(201.48, 2);
    expect(line('database replicas')?.atMin).toBeCloseTo(402.96, 2);
    expect(line('database storage')?.atMin).toBe(10);
    expect(line('RDS Proxy')?.atMin).toBeCloseTo(65.7, 2);
    // 3 NAT gateways × $0.045 × 730 = 98.55, their 3 addresses 10.95; key $1; 2 secrets $0.80; 12 alarms $1.20; dashboard $3.
    expect(line('NAT gateways')?.atMin).toBeCloseTo(98.55, 2);
    expect(line('secrets')?.atMin).toBeCloseTo(0.8, 2);
    expect(line('alarms')?.atMin).toBeCloseTo(1.2, 2);
    // Sum: 147.17 + 4.80 + 16.43 + 10.95 + 9 + 255.79 + 201.48 + 402.96 + 10 + 65.70 + 98.55 + 10.95 + 1 + 0.80 + 1.20 + 3
    //    = 1,239.78 at min; at max 1,239.78 − 147.17 − 4.80 + 735.84 + 24.00 = 1,847.65.
    expect(cost.atMin).toBeCloseTo(1239.78, 1);
    expect(cost.atMax).toBeCloseTo(1847.65, 1);
    expect(cost.complete).toBe(true);
    expect(cost.unpriced).toEqual([]);
  });

  it('GIVEN database size small on AWS (Aurora Serverless v2, 0.5-2 ACU) WHEN estimated THEN instances bill ACU-hours at the minimum capacity at min and the maximum at max, and RDS Proxy its 8 ACU floor', () => {
    // dev: one writer. 0.5 ACU × $0.12 × 730 h = 43.80; 2 ACU = 175.20.
    const dev = cloudCost(resolved('dev'), 'aws');
    expect(dev.items.find((i) => i.item === 'database primaries')).toMatchObject({ atMin: 43.8, atMax: 175.2 });
    expect(dev.items.find((i) => i.item === 'database primaries')?.detail).toBe(
      '0.5-2 ACU (db.serverless) × $0.12/h × 730 h',
    );
    // Staging with one reader and pooling: the reader bills like the writer; the proxy bills
    // max(8, 2 instances × ACU) = 8 ACU × $0.015 × 730 h = 87.60 at both ends.
    const staging = cloudCost(resolved('staging', { database: { size: 'small', readReplicas: 1 } }), 'aws');
    expect(staging.items.find((i) => i.item === 'database replicas')).toMatchObject({ atMin: 43.8, atMax: 175.2 });
    expect(staging.items.find((i) => i.item === 'RDS Proxy')).toMatchObject({ atMin: 87.6, atMax: 87.6 });
    expect(staging.unpriced.filter((u) => u.startsWith('database') || u.startsWith('RDS'))).toEqual([]);
  });

  it('GIVEN traffic WHEN estimated THEN egress is billed from requests × response size at the average-to-peak ratio', () => {
    // 1,000 req/s × 0.4 × 2,628,000 s = 1,051,200,000 requests × 8 KiB / 1,048,576 = 8,020 GB × $0.09 = 721.80.
    const cost = cloudCost(resolved('prod'), 'aws', resolveTraffic({ peakRequestsPerSecond: 1000 }));
    expect(cost.items.find((i) => i.item === 'internet egress')?.atMin).toBeCloseTo(721.8, 0);
    // WAF: 1,051.2 million × $0.60 = 630.72.
    expect(cost.items.find((i) => i.item === 'WAF requests')?.atMin).toBeCloseTo(630.72, 1);
  });

  it('GIVEN a cloud whose cache and database prices are missing WHEN estimated THEN the total says partial and names them', () => {
    const cost = cloudCost(resolved('prod'), 'azure');
    expect(cost.complete).toBe(false);
    expect(cost.unpriced).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Azure Managed Redis Balanced_B10: /),
        expect.stringMatching(/^database type MO_Standard_E2ds_v5: /),
      ]),
    );
    expect(cost.items.some((i) => i.item === 'database primaries')).toBe(false);
  });
});

describe('billed quantities match the synthesized stacks', () => {
  it.each(Object.keys(SPECS))('GIVEN the %s spec WHEN synthesized THEN AWS bills what the template creates', (name) => {
    const { spec, out } = synthesized[name] as { spec: ResolvedSpec; out: Synthesized };
    const t = out.aws;
    if (!t) throw new Error('no AWS template');
    const servers = databaseServers(spec, 'aws');
    expect(cfnOfType(t, 'AWS::RDS::DBInstance')).toHaveLength(servers.primaries + servers.readers);
    const nodes = cfnOfType(t, 'AWS::ElastiCache::ReplicationGroup').reduce(
      (n, [, p]) =>
        n +
        (p.NumNodeGroups
          ? Number(p.NumNodeGroups) * (1 + Number(p.ReplicasPerNodeGroup ?? 0))
          : Number(p.NumCacheClusters)),
      0,
    );
    expect(nodes).toBe(spec.cache.shards * (1 + spec.cache.replicasPerShard));
    expect(cfnOfType(t, 'AWS::EC2::NatGateway')).toHaveLength(spec.isProd ? spec.network.zones : 1);
    expect(cfnOfType(t, 'AWS::CloudWatch::Alarm')).toHaveLength(awsAlarmCount(spec));
    expect(cfnOfType(t, 'AWS::SecretsManager::Secret')).toHaveLength(
      1 + spec.database.shards.length + (spec.cdn.enabled ? 1 : 0),
    );
    expect(cfnOfType(t, 'AWS::RDS::DBProxy')).toHaveLength(
      spec.database.connectionPooling ? spec.database.shards.length : 0,
    );
    const acls = cfnOfType(t, 'AWS::WAFv2::WebACL');
    expect(acls.map(([, p]) => (p.Rules as unknown[]).length)).toEqual(
      spec.loadBalancer.waf ? [AWS_WEB_ACL_RULES] : [],
    );
    const [, asg] = cfnOfType(t, 'AWS::AutoScaling::AutoScalingGroup')[0] ?? ['', {}];
    const dist = (asg.MixedInstancesPolicy as { InstancesDistribution?: { OnDemandBaseCapacity: number } } | undefined)
      ?.InstancesDistribution;
    if (spec.compute.spot.spot) expect(dist?.OnDemandBaseCapacity).toBe(spec.compute.spot.onDemand.min);
    const [, launch] = cfnOfType(t, 'AWS::EC2::LaunchTemplate')[0] ?? ['', {}];
    const ebs = (
      launch.LaunchTemplateData as { BlockDeviceMappings: Array<{ Ebs: { VolumeSize: number; VolumeType: string } }> }
    ).BlockDeviceMappings[0]?.Ebs;
    expect(ebs).toMatchObject({ VolumeSize: BOOT_DISK.aws.gib, VolumeType: 'gp3' });
  });

  it.each(Object.keys(SPECS))('GIVEN the %s spec WHEN synthesized THEN GCP bills what cdk.tf.json creates', (name) => {
    const { spec, out } = synthesized[name] as { spec: ResolvedSpec; out: Synthesized };
    const tf = out.gcp;
    if (!tf) throw new Error('no GCP stack');
    const servers = databaseServers(spec, 'gcp');
    expect(tfOfType(tf, 'google_sql_database_instance')).toHaveLength(servers.primaries + servers.readers);
    const regional = tfOfType(tf, 'google_sql_database_instance').filter(
      ([, p]) => (p.settings as { availability_type?: string }).availability_type === 'REGIONAL',
    );
    expect(regional).toHaveLength(servers.standbys);
    expect(tfOfType(tf, 'google_compute_global_forwarding_rule')).toHaveLength(spec.loadBalancer.https ? 2 : 1);
    const policies = tfOfType(tf, 'google_compute_security_policy');
    expect(policies.map(([, p]) => (p.rule as unknown[]).length)).toEqual(
      spec.loadBalancer.waf ? [GCP_ARMOR_RULES] : [],
    );
    expect(tfOfType(tf, 'google_secret_manager_secret_version')).toHaveLength(1 + spec.database.shards.length);
    const split = instanceSplit(spec, 'gcp');
    const bounds = tfOfType(tf, 'google_compute_region_autoscaler').map(([, a]) => {
      const p = a.autoscaling_policy as { min_replicas: number; max_replicas: number };
      return [p.min_replicas, p.max_replicas];
    });
    expect(bounds).toEqual(split.spot[1] > 0 ? [split.onDemand, split.spot] : [split.onDemand]);
    for (const [, template] of tfOfType(tf, 'google_compute_region_instance_template')) {
      const disk = (template.disk as Array<{ disk_size_gb: number; disk_type: string }>)[0];
      expect(disk).toMatchObject({ disk_size_gb: BOOT_DISK.gcp.gib, disk_type: 'pd-balanced' });
    }
  });

  it.each(Object.keys(SPECS))(
    'GIVEN the %s spec WHEN synthesized THEN Azure bills what cdk.tf.json creates',
    (name) => {
      const { spec, out } = synthesized[name] as { spec: ResolvedSpec; out: Synthesized };
      const tf = out.azure;
      if (!tf) throw new Error('no Azure stack');
      const servers = databaseServers(spec, 'azure');
      const all = tfOfType(tf, 'azurerm_postgresql_flexible_server');
      expect(all).toHaveLength(servers.primaries + servers.readers);
      expect(all.filter(([, p]) => p.high_availability !== undefined)).toHaveLength(servers.standbys);
      const [, gateway] = tfOfType(tf, 'azurerm_application_gateway')[0] ?? ['', {}];
      const cap = azureGatewayCapacity(spec);
      expect(gateway.autoscale_configuration).toEqual({ min_capacity: cap.min, max_capacity: cap.max });
      expect((gateway.sku as { name: string }).name).toBe(
        spec.loadBalancer.waf || spec.cdn.enabled ? 'WAF_v2' : 'Standard_v2',
      );
      expect(tfOfType(tf, 'azurerm_public_ip')).toHaveLength(2);
      expect(tfOfType(tf, 'azurerm_private_endpoint')).toHaveLength(2);
      expect(tfOfType(tf, 'azurerm_private_dns_zone')).toHaveLength(3);
      expect(tfOfType(tf, 'azurerm_nat_gateway')).toHaveLength(1);
    },
  );
});
