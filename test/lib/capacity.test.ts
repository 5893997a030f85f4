import { capacityReport, demand, type TierCapacity } from '../../lib/capacity';
import type { Cloud } from '../../lib/constants';
import { resolveTraffic, type TrafficSpec } from '../../lib/traffic';
import { resolved } from '../fixtures';

/*
 * The capacity model, case by case, with every expected number worked out by hand in the
 * comment above it from the prod / dev presets and the default assumptions:
 *   read capacity of a 2-vCPU server  = 2 vCPU × 1000 q/s × 70% = 1,400 q/s
 *   write capacity of a 2-vCPU writer = 2 vCPU ×  300 q/s × 70% =   420 q/s
 *   an instance serves 250 req/s; each instance keeps 10 connections per server.
 */

const byTier = (tiers: readonly TierCapacity[], cloud: Cloud) =>
  Object.fromEntries(tiers.filter((t) => t.cloud === cloud).map((t) => [t.tier, t]));

describe('demand', () => {
  it('GIVEN 1,000 req/s, 90% reads, 80% cache hits, 3 queries WHEN split THEN 540 read and 300 write q/s, 1,180 cache ops', () => {
    // reads 900 (misses 180 × 3 = 540 q/s); writes 100 × 3 = 300 q/s; cache 900 GET + 180 SET + 100 invalidations.
    const d = demand(resolveTraffic({ peakRequestsPerSecond: 1000 }));
    expect(d.originRps).toBe(1000);
    expect(d.readQps).toBeCloseTo(540, 6);
    expect(d.writeQps).toBeCloseTo(300, 6);
    expect(d.cacheOps).toBeCloseTo(1180, 6);
  });

  it('GIVEN a CDN that answers 25% WHEN split THEN the origin sees 75% of the peak', () => {
    const d = demand(resolveTraffic({ peakRequestsPerSecond: 1000, assumptions: { cdnOffloadShare: 0.25 } }));
    expect(d.originRps).toBe(750);
  });
});

describe('capacityReport', () => {
  it('GIVEN the prod preset at 1,000 req/s WHEN planned THEN every tier fits and the writer saturates first at 1,400 req/s', () => {
    const report = capacityReport(resolved('prod'), resolveTraffic({ peakRequestsPerSecond: 1000 }));
    for (const cloud of ['aws', 'gcp', 'azure'] as const) {
      const t = byTier(report.tiers, cloud);
      // 1000 / 250 = 4 instances of max 10; 10 × 250 / 1000 = ×2.5 → 2,500 req/s.
      expect(t['compute instances']).toMatchObject({
        needed: 4,
        available: 10,
        ok: true,
        headroom: 2.5,
        saturatesAtRps: 2500,
      });
      // 540 q/s over 2 readers × 1,400 = 2,800 → ×5.19 (2800 / 540 = 5.185).
      expect(t['database reads per shard']).toMatchObject({ needed: 540, available: 2800, ok: true, headroom: 5.19 });
      // 300 q/s on a 420 q/s writer → ×1.4 → 1,400 req/s.
      expect(t['database writes per shard']).toMatchObject({
        needed: 300,
        available: 420,
        ok: true,
        headroom: 1.4,
        saturatesAtRps: 1400,
      });
      // 1,180 ops on one 80,000 ops/s primary.
      expect(t['cache operations per shard']).toMatchObject({ needed: 1180, available: 80000, ok: true });
      expect(report.firstToSaturate[cloud]?.tier).toBe('database writes per shard');
    }
    // 10 instances × 10 connections = 100 clients per server.
    const aws = byTier(report.tiers, 'aws');
    // RDS Proxy pools the writer; a 16 GiB reader: floor(16 × 2^30 / 9,531,392) = 1,802 − 3 reserved = 1,799.
    expect(aws['database connections per writer']).toMatchObject({ needed: 100, available: null, ok: true });
    expect(aws['database connections per reader']).toMatchObject({ needed: 100, available: 1799, ok: true });
    // Cloud SQL with 13 GiB: 400 − 3 = 397; Azure's PgBouncer takes 5,000 clients.
    expect(byTier(report.tiers, 'gcp')['database connections per writer']).toMatchObject({ available: 397, ok: true });
    expect(byTier(report.tiers, 'azure')['database connections per writer']).toMatchObject({
      available: 5000,
      ok: true,
    });
    expect(report.warnings).toEqual([]);
  });

  it('GIVEN the dev preset (no readers) at 200 req/s WHEN planned THEN the shared writer serves both and both saturate together', () => {
    const report = capacityReport(resolved('dev'), resolveTraffic({ peakRequestsPerSecond: 200 }));
    // reads 180 → misses 36 × 3 = 108 q/s; writes 20 × 3 = 60 q/s.
    // Reads get what writes leave: 1,400 × (1 − 60/420) = 1,200. Writes: 420 × (1 − 108/1,400) = 387.6 → 388.
    // Together they fill 108/1,400 + 60/420 = 0.22 of the writer → ×4.55 → 909 req/s.
    const gcp = byTier(report.tiers, 'gcp');
    expect(gcp['database reads per shard']).toMatchObject({
      needed: 108,
      available: 1200,
      headroom: 4.55,
      saturatesAtRps: 909,
    });
    expect(gcp['database writes per shard']).toMatchObject({
      needed: 60,
      available: 388,
      headroom: 4.55,
      saturatesAtRps: 909,
    });
    expect(gcp['database connections per reader']).toBeUndefined();
    // 3 instances × 10 = 30 clients; a 4 GiB Cloud SQL: 100 − 3 = 97; Aurora 4 GiB: 450 − 3 = 447; Azure 8 GiB: 859 − 15 = 844.
    expect(gcp['database connections per writer']).toMatchObject({ needed: 30, available: 97, ok: true });
    expect(byTier(report.tiers, 'aws')['database connections per writer']).toMatchObject({ available: 447 });
    expect(byTier(report.tiers, 'azure')['database connections per writer']).toMatchObject({ available: 844 });
  });

  it.each<[string, TrafficSpec, Record<string, unknown>, string[]]>([
    [
      'few cache hits: the readers fall short',
      // reads 1,900, misses 80% = 1,520 × 3 = 4,560 q/s; ceil(4,560 / 1,400) = 4 replicas.
      { peakRequestsPerSecond: 2000, readShare: 0.95, cacheHitRatio: 0.2 },
      {},
      [
        'AWS, GCP, Azure: database.readReplicas: 2 → 4 (database reads per shard: 4,560 queries/s needed, 2,800 available)',
      ],
    ],
    [
      'half the requests write: more instances, and more shards than any size serves',
      // 3,000 / 250 = 12 instances; writes 1,500 × 3 = 4,500 q/s; xlarge serves 8 × 300 × 0.7 = 1,680,
      // so shards: ceil(4,500 / 420) = 11.
      { peakRequestsPerSecond: 3000, readShare: 0.5 },
      {},
      [
        'AWS, GCP, Azure: compute.maxInstances: 10 → 12 (compute instances: 12 instances needed, 10 available)',
        'AWS, GCP, Azure: database.shards: 1 → 11 (database writes per shard: 4,500 queries/s needed, 420 available)',
      ],
    ],
    [
      'faster writes (an override): a bigger writer is enough',
      // 1,000 q/s per vCPU: large 4 × 1000 × 0.7 = 2,800 < 4,500; xlarge 8 × 1000 × 0.7 = 5,600.
      { peakRequestsPerSecond: 3000, readShare: 0.5, assumptions: { writeQueriesPerVcpu: 1000 } },
      { compute: { maxInstances: 12 } },
      [
        'AWS, GCP, Azure: database.size: medium → xlarge (database writes per shard: 4,500 queries/s needed, 1,400 available)',
      ],
    ],
    [
      'many instances without pooling: the pooled clouds say turn pooling on, GCP says shrink the pool',
      // 200 × 10 = 2,000 clients; Aurora 16 GiB 1,799 and Azure 16 GiB 1,719 − 15 = 1,704 fall short;
      // Cloud SQL tops out at 600 − 3 = 597 (xlarge), so the pool: floor(397 / 200) = 1.
      { peakRequestsPerSecond: 1000 },
      { compute: { maxInstances: 200 }, database: { connectionPooling: false } },
      // Azure's readers need the same fix as the writers, so they share the first line. RDS Proxy fronts
      // the writer only, so AWS readers need a size: large, 32 GiB → 3,604 − 3 = 3,601.
      [
        'AWS, Azure: database.connectionPooling: false → true (database connections per writer: 2,000 connections needed, 1,799 available)',
        'AWS: database.replicaSize: medium → large (database connections per reader: 2,000 connections needed, 1,799 available)',
        'GCP: traffic.assumptions.connectionsPerInstance: 10 → 1 (database connections per writer: 2,000 connections needed, 397 available)',
      ],
    ],
  ])(
    'GIVEN %s WHEN planned THEN each shortfall names the field and the smallest fix',
    (_name, traffic, patch, warnings) => {
      const report = capacityReport(resolved('prod', patch), resolveTraffic(traffic));
      expect(report.warnings).toEqual(warnings);
    },
  );

  it('GIVEN a scaling target above what an instance serves WHEN planned THEN it warns to lower the target', () => {
    const report = capacityReport(resolved('example'), resolveTraffic({ peakRequestsPerSecond: 500 }));
    expect(report.warnings).toContain(
      'compute.scaling.targetRequestsPerInstance: 400 → 250 (an instance serves 250 req/s at targetCpuPercent; the group would scale out only after instances saturate)',
    );
  });

  it('GIVEN a working set WHEN planned THEN cache memory is checked against 75% of the node and fixed by a size', () => {
    // 13.07 GiB × 0.75 = 9.8 GiB on cache.r7g.large < 12 GiB; large 26.32 × 0.75 = 19.74 is enough.
    const report = capacityReport(
      resolved('prod'),
      resolveTraffic({ peakRequestsPerSecond: 100, assumptions: { cacheWorkingSetGiB: 12 } }),
    );
    expect(byTier(report.tiers, 'aws')['cache memory per shard']).toMatchObject({
      needed: 12,
      available: 10,
      ok: false,
      headroom: null,
    });
    expect(report.warnings[0]).toMatch(/^AWS.*: cache\.size: medium → large/);
  });

  it('GIVEN no working set WHEN planned THEN cache memory is not reported (no honest default)', () => {
    const report = capacityReport(resolved('prod'), resolveTraffic({ peakRequestsPerSecond: 100 }));
    expect(report.tiers.some((t) => t.tier === 'cache memory per shard')).toBe(false);
  });
});
