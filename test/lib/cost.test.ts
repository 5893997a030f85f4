import { CLOUDS, type Cloud } from '../../lib/constants';
import {
  AZURE_PRIVATE_DNS_ZONES,
  awsAlarmCount,
  awsSecretCount,
  awsWebAcls,
  azureCacheInstances,
  azureGatewayCapacity,
  azureGatewaySku,
  BOOT_DISK,
  cloudCost,
  databaseServers,
  GCP_ARMOR_RULES,
  GCP_ROLES_JOB,
  gcpSecretVersions,
  instanceSplit,
  memorystoreBand,
  PRICE_TABLES,
  sizeTablePriceKeys,
} from '../../lib/cost';
import { BILLING } from '../../lib/prices/billing';
import { isListPrice } from '../../lib/prices/types';
import type { ResolvedSpec } from '../../lib/resolve';
import { resolveTraffic } from '../../lib/traffic';
import { grownSpec, resolved } from '../fixtures';
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
  grown: grownSpec,
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
      'gcp lb-address',
      'gcp alerting',
      'azure spot',
      'azure cache:Balanced_B10',
      'azure cache:Balanced_B20',
      'azure cache:Balanced_B50',
      'azure database:GP_Standard_D2ds_v5',
      'azure database:MO_Standard_E2ds_v5',
      'azure database:MO_Standard_E4ds_v5',
      'azure database:MO_Standard_E8ds_v5',
      'azure container-job',
    ]);
  });

  it('GIVEN the GCP size table WHEN priced THEN every machine type has a Spot list price and every cache size its Memorystore band prices', () => {
    const keys = sizeTablePriceKeys('gcp');
    expect(keys.filter((k) => k.startsWith('spot:'))).toEqual([
      'spot:e2-medium',
      'spot:n2-standard-2',
      'spot:n2-standard-4',
      'spot:n2-standard-8',
    ]);
    // 5 GB is band M2, 13 and 26 GB M3, 52 GB M4 (Memorystore capacity tiers).
    expect([5, 13, 26, 52].map(memorystoreBand)).toEqual(['M2', 'M3', 'M3', 'M4']);
    expect(keys.filter((k) => !isListPrice(PRICE_TABLES.gcp.prices[k]))).toEqual([]);
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
    // 3 NAT gateways × $0.045 × 730 = 98.55, their 3 addresses 10.95; key $1;
    // 3 secrets (cache token, admin, app login) $1.20; 12 alarms $1.20; dashboard $3.
    expect(line('NAT gateways')?.atMin).toBeCloseTo(98.55, 2);
    expect(line('secrets')?.atMin).toBeCloseTo(1.2, 2);
    expect(line('alarms')?.atMin).toBeCloseTo(1.2, 2);
    // Sum: 147.17 + 4.80 + 16.43 + 10.95 + 9 + 255.79 + 201.48 + 402.96 + 10 + 65.70 + 98.55 + 10.95 + 1 + 1.20 + 1.20 + 3
    //    = 1,240.18 at min; at max 1,240.18 − 147.17 − 4.80 + 735.84 + 24.00 = 1,848.05.
    expect(cost.atMin).toBeCloseTo(1240.18, 1);
    expect(cost.atMax).toBeCloseTo(1848.05, 1);
    // The bootstrap functions run only at deploy time: listed with their unit prices, not in the total.
    expect(cost.notEstimated).toEqual(
      expect.arrayContaining([
        'database bootstrap functions (Lambda, per deploy): requests: $0.2 per million requests',
        'database bootstrap functions (Lambda, per deploy): duration: $0.0000166667 per GB-second',
      ]),
    );
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

  it('GIVEN the example on AWS (CDN and WAF in us-east-1) WHEN estimated with traffic THEN both web ACLs bill their rules and the requests they inspect', () => {
    // 2,000 req/s × 0.4 × 2,628,000 s = 2,102.4 million requests; nothing is offloaded by default,
    // so the CloudFront ACL and the load balancer's ACL each inspect all of them: × $0.60 = 1,261.44.
    const cost = cloudCost(resolved('example'), 'aws', resolveTraffic({ peakRequestsPerSecond: 2000 }));
    const line = (item: string) => cost.items.find((i) => i.item === item)?.atMin;
    expect([line('WAF web ACL'), line('WAF rules'), line('WAF requests')]).toEqual([5, 4, 1261.44]);
    expect([
      line('WAF web ACL (CloudFront)'),
      line('WAF rules (CloudFront)'),
      line('WAF requests (CloudFront)'),
    ]).toEqual([5, 3, 1261.44]);
    // Half the requests answered by the CDN: the load balancer's ACL inspects the other half.
    const offloaded = cloudCost(
      resolved('example'),
      'aws',
      resolveTraffic({ peakRequestsPerSecond: 2000, assumptions: { cdnOffloadShare: 0.5 } }),
    );
    expect(offloaded.items.find((i) => i.item === 'WAF requests')?.atMin).toBeCloseTo(630.72, 2);
    expect(offloaded.items.find((i) => i.item === 'WAF requests (CloudFront)')?.atMin).toBeCloseTo(1261.44, 2);
  });

  it('GIVEN the example on GCP (Spot 25 %) WHEN estimated THEN the Spot group is billed at the listed Spot price, not the upper bound', () => {
    const cost = cloudCost(resolved('example'), 'gcp');
    const spot = cost.items.find((i) => i.item.startsWith('compute (Spot'));
    // Spot group 1-3 n2-standard-2 (it keeps one VM) × $0.055736 × 730 h: 40.69 / 122.06.
    expect(spot).toMatchObject({ item: 'compute (Spot)', atMin: 40.69, atMax: 122.06 });
    expect(cost.unpriced.some((u) => u.startsWith('Spot'))).toBe(false);
  });

  it('GIVEN each GCP cache shape WHEN estimated THEN Memorystore bills Basic GB-hours, every read-replica node, or cluster node-hours', () => {
    const cache = (spec: ResolvedSpec) => cloudCost(spec, 'gcp').items.filter((i) => i.group === 'cache');
    // dev: 5 GB Basic (M2 $0.027) × 730 = 98.55.
    expect(cache(resolved('dev'))).toMatchObject([{ item: 'cache (Basic Tier)', atMin: 98.55 }]);
    // prod: 13 GB, 1 read replica = 2 nodes × 13 GB × $0.023 (M3 node) × 730 = 436.54.
    expect(cache(resolved('prod'))).toMatchObject([
      { item: 'cache nodes (Standard Tier, read replicas)', atMin: 436.54 },
    ]);
    // Cluster: 3 shards × (1 + 1) REDIS_HIGHMEM_MEDIUM × $0.1923 × 730 = 842.27.
    expect(cache(SPECS.grown?.() as ResolvedSpec)).toMatchObject([{ item: 'cache nodes', atMin: 842.27 }]);
  });

  it('GIVEN Azure caches WHEN estimated THEN Managed Redis bills one instance, two with high availability, and names the SKUs it lacks', () => {
    // dev: Balanced_B3 without high availability: 1 × $0.065 × 730 = 47.45.
    const dev = cloudCost(resolved('dev'), 'azure');
    expect(dev.items.find((i) => i.group === 'cache')).toMatchObject({ item: 'cache instances', atMin: 47.45 });
    // Boot disks: the 30 GiB Premium SSD bills as one P4 each, $5.28 a month.
    expect(dev.items.find((i) => i.item === 'boot disks')?.atMin).toBeCloseTo(
      (instanceSplit(resolved('dev'), 'azure').onDemand[0] + instanceSplit(resolved('dev'), 'azure').spot[0]) * 5.28,
      2,
    );
    const b3ha = resolved('dev', { cache: { highAvailability: true, replicasPerShard: 1 } });
    expect(cloudCost(b3ha, 'azure').items.find((i) => i.group === 'cache')?.atMin).toBeCloseTo(94.9, 2);
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
    expect(cfnOfType(t, 'AWS::SecretsManager::Secret')).toHaveLength(awsSecretCount(spec));
    // The app login on every size: a password custom resource per shard, the two bootstrap functions once.
    expect(cfnOfType(t, 'Custom::DatabaseAppPassword')).toHaveLength(spec.database.shards.length);
    expect(cfnOfType(t, 'AWS::Lambda::Function')).toHaveLength(2);
    expect(cfnOfType(t, 'AWS::RDS::DBProxy')).toHaveLength(
      spec.database.connectionPooling ? spec.database.shards.length : 0,
    );
    const acls = cfnOfType(t, 'AWS::WAFv2::WebACL').map(([, p]) => ({
      edge: p.Scope === 'CLOUDFRONT',
      rules: (p.Rules as unknown[]).length,
    }));
    expect(acls.sort((a, b) => Number(a.edge) - Number(b.edge))).toEqual(
      awsWebAcls(spec).map(({ edge, rules }) => ({ edge, rules })),
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
    // Terraform writes the cache's and, per shard, the admin and logins versions; the roles job publishes the app's.
    expect(tfOfType(tf, 'google_secret_manager_secret_version')).toHaveLength(
      gcpSecretVersions(spec) - spec.database.shards.length,
    );
    expect(tfOfType(tf, 'google_secret_manager_secret')).toHaveLength(1 + 3 * spec.database.shards.length);
    const jobs = tfOfType(tf, 'google_compute_instance').map(([, p]) => ({
      machine: p.machine_type,
      disk: (p.boot_disk as { initialize_params: { size: number; type: string } }).initialize_params,
    }));
    expect(jobs).toEqual([
      {
        machine: GCP_ROLES_JOB.machineType,
        disk: expect.objectContaining({ size: GCP_ROLES_JOB.diskGiB, type: 'pd-balanced' }),
      },
    ]);
    expect(tfOfType(tf, 'google_dns_managed_zone')).toHaveLength(1);
    expect(tfOfType(tf, 'google_compute_global_address').filter(([, p]) => p.address_type !== 'INTERNAL')).toHaveLength(
      1,
    );
    const node = spec.cache.nodeType.gcp;
    if (spec.cache.clustered) {
      const [, cluster] = tfOfType(tf, 'google_redis_cluster')[0] ?? ['', {}];
      expect(cluster).toMatchObject({
        node_type: node.clusterType,
        shard_count: spec.cache.shards,
        replica_count: spec.cache.replicasPerShard,
      });
    } else {
      const [, redis] = tfOfType(tf, 'google_redis_instance')[0] ?? ['', {}];
      const replicas = spec.cache.replicasPerShard;
      expect(redis).toMatchObject({
        memory_size_gb: Number(node.type),
        tier: replicas === 0 ? 'BASIC' : 'STANDARD_HA',
      });
      if (replicas > 0)
        expect(redis).toMatchObject({ read_replicas_mode: 'READ_REPLICAS_ENABLED', replica_count: replicas });
    }
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
      expect((gateway.sku as { name: string }).name).toBe(azureGatewaySku(spec));
      expect(tfOfType(tf, 'azurerm_public_ip')).toHaveLength(2);
      expect(tfOfType(tf, 'azurerm_private_endpoint')).toHaveLength(2);
      expect(tfOfType(tf, 'azurerm_private_dns_zone')).toHaveLength(AZURE_PRIVATE_DNS_ZONES);
      expect(tfOfType(tf, 'azurerm_nat_gateway')).toHaveLength(1);
      expect(tfOfType(tf, 'azurerm_container_group')).toHaveLength(1);
      const [, redis] = tfOfType(tf, 'azurerm_managed_redis')[0] ?? ['', {}];
      expect(redis).toMatchObject({
        sku_name: spec.cache.nodeType.azure.type,
        high_availability_enabled: azureCacheInstances(spec) === 2,
      });
      for (const [, set] of tfOfType(tf, 'azurerm_linux_virtual_machine_scale_set'))
        expect(set.os_disk).toMatchObject({ disk_size_gb: BOOT_DISK.azure.gib, storage_account_type: 'Premium_LRS' });
    },
  );
});
