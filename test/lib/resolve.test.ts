import { CLOUDS, ENVIRONMENTS, SIZES } from '../../lib/constants';
import { PRESETS } from '../../lib/presets';
import { splitSpot } from '../../lib/resolve';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES, resolveSize } from '../../lib/sizes';
import { resolved } from '../fixtures';

describe('size tables', () => {
  const tables = { compute: COMPUTE_SIZES, cache: CACHE_SIZES, database: DATABASE_SIZES };
  const patterns = {
    compute: { aws: /^(t3|m7i)\.[a-z0-9]+$/, gcp: /^(e2|n2)-[a-z]+-?\d*$/, azure: /^Standard_[A-Z]\d+[a-z]*_v\d$/ },
    cache: { aws: /^cache\.(t4g|r7g)\.[a-z0-9]+$/, gcp: /^\d+$/, azure: /^Balanced_B\d+$/ },
    database: {
      aws: /^db\.(r7g\.[a-z0-9]+|serverless)$/,
      gcp: /^db-custom-\d+-\d+$/,
      azure: /^(GP|MO)_Standard_[A-Z]\d+ds_v5$/,
    },
  };

  for (const [kind, table] of Object.entries(tables)) {
    it.each(SIZES.flatMap((size) => CLOUDS.map((cloud) => [size, cloud] as const)))(
      `${kind} %s on %s maps to a concrete type`,
      (size, cloud) => {
        const entry = table[size][cloud];
        expect(entry.type).toMatch(patterns[kind as keyof typeof patterns][cloud]);
        expect(entry.vcpu).toBeGreaterThan(0);
        expect(entry.memoryGiB).toBeGreaterThan(0);
      },
    );

    it(`${kind}: every cloud grows (or keeps) memory from small to xlarge`, () => {
      for (const cloud of CLOUDS) {
        const memory = SIZES.map((s) => table[s][cloud].memoryGiB);
        expect([...memory].sort((a, b) => a - b)).toEqual(memory);
      }
    });
  }

  it('Cloud SQL custom tiers respect 0.9-6.5 GB per vCPU and 256 MB multiples', () => {
    for (const size of SIZES) {
      const [, cpus, mb] = /^db-custom-(\d+)-(\d+)$/.exec(DATABASE_SIZES[size].gcp.type) ?? [];
      expect(Number(mb) % 256).toBe(0);
      expect(Number(mb) / 1024 / Number(cpus)).toBeGreaterThanOrEqual(0.9);
      expect(Number(mb) / 1024 / Number(cpus)).toBeLessThanOrEqual(6.5);
    }
  });

  it('an explicit per-cloud type is used as given; its capacity is reported unknown', () => {
    expect(resolveSize(COMPUTE_SIZES, { aws: 'c7g.large' }, 'aws')).toEqual({
      type: 'c7g.large',
      vcpu: 0,
      memoryGiB: 0,
    });
    expect(resolveSize(COMPUTE_SIZES, { aws: 'm7i.large' }, 'aws')).toEqual(COMPUTE_SIZES.medium.aws);
  });
});

describe('resolve', () => {
  it.each(ENVIRONMENTS)('GIVEN a minimal %s spec THEN every preset default is filled', (env) => {
    const spec = resolved(env);
    const p = PRESETS[env];
    expect(spec.network.zones).toBe(p.zones);
    expect(spec.compute.minInstances).toBe(p.minInstances);
    expect(spec.compute.maxInstances).toBe(p.maxInstances);
    expect(spec.compute.instanceType.aws).toEqual(COMPUTE_SIZES[p.computeSize].aws);
    expect(spec.cache.nodeType.gcp).toEqual(CACHE_SIZES[p.cacheSize].gcp);
    expect(spec.database.instanceType.azure).toEqual(DATABASE_SIZES[p.databaseSize].azure);
    expect(spec.database.shards).toHaveLength(p.databaseShards);
    expect(spec.database.deletionProtection).toBe(p.deletionProtection);
    expect(spec.clouds).toEqual(['aws', 'gcp', 'azure']);
    expect(spec.regions).toEqual({ aws: 'us-east-1', gcp: 'us-central1', azure: 'eastus' });
    expect(spec.compute.port).toBe(8080);
    expect(spec.compute.healthCheckPath).toBe('/healthz');
    expect(spec.database.engineVersion).toBe('16');
  });

  it('GIVEN prod THEN security and reliability defaults are on', () => {
    const spec = resolved('prod');
    expect(spec.isProd).toBe(true);
    expect(spec.loadBalancer.waf).toBe(true);
    expect(spec.database.highAvailability).toBe(true);
    expect(spec.database.deletionProtection).toBe(true);
    expect(spec.cache.highAvailability).toBe(true);
    expect(spec.network.zones).toBe(3);
  });

  it('GIVEN values in the spec THEN they win over the preset', () => {
    const spec = resolved('dev', {
      compute: { minInstances: 2, maxInstances: 7, size: 'xlarge' },
      database: { readReplicas: 3 },
    });
    expect(spec.compute.minInstances).toBe(2);
    expect(spec.compute.maxInstances).toBe(7);
    expect(spec.compute.instanceType.gcp.type).toBe('n2-standard-8');
    expect(spec.database.shards[0]?.readReplicas).toBe(3);
  });

  it('GIVEN 4 database shards THEN shard 0 keeps the unsharded suffix and the others are numbered', () => {
    const spec = resolved('prod', { database: { shards: 4 } });
    expect(spec.database.shards.map((s) => s.suffix)).toEqual(['', '-s1', '-s2', '-s3']);
  });

  it('GIVEN several cache shards THEN the cache is clustered', () => {
    expect(resolved('prod', { cache: { shards: 3 } }).cache.clustered).toBe(true);
    expect(resolved('prod').cache.clustered).toBe(false);
  });

  it('tags carry app, environment and managed-by, and user tags', () => {
    expect(resolved('example').tags).toEqual({
      app: 'shop-api',
      environment: 'prod',
      'managed-by': 'scaling-blueprint',
      team: 'payments',
      'cost-center': 'cc-4411',
    });
  });
});

describe('splitSpot', () => {
  it.each([
    [2, 10, 0, { onDemand: { min: 2, max: 10 }, percent: 0 }],
    [2, 10, 50, { onDemand: { min: 1, max: 5 }, spot: { min: 1, max: 5 }, percent: 50 }],
    [3, 12, 25, { onDemand: { min: 3, max: 9 }, spot: { min: 0, max: 3 }, percent: 25 }],
    [1, 1, 100, { onDemand: { min: 1, max: 1 }, spot: { min: 0, max: 1 }, percent: 100 }],
  ])('min %i max %i at %i%% spot', (min, max, percent, expected) => {
    const split = splitSpot(min, max, percent);
    expect(split).toEqual(expected);
    // On-demand always keeps at least one instance so Spot reclaims never empty the service.
    expect(split.onDemand.min).toBeGreaterThanOrEqual(1);
  });
});

describe('splitSpot with a Spot floor', () => {
  it('GIVEN floor 1 THEN the Spot group keeps one instance, taken from the on-demand minimum', () => {
    // 3-12 at 25 %: on-demand 3-9, Spot 0-3 without a floor.
    expect(splitSpot(3, 12, 25)).toEqual({ onDemand: { min: 3, max: 9 }, spot: { min: 0, max: 3 }, percent: 25 });
    expect(splitSpot(3, 12, 25, 1)).toEqual({ onDemand: { min: 2, max: 9 }, spot: { min: 1, max: 3 }, percent: 25 });
  });

  it('GIVEN min 1 THEN on-demand keeps its one instance and Spot still gets its floor', () => {
    expect(splitSpot(1, 3, 50, 1)).toEqual({ onDemand: { min: 1, max: 2 }, spot: { min: 1, max: 1 }, percent: 50 });
  });

  it('GIVEN no Spot share THEN the floor changes nothing', () => {
    expect(splitSpot(2, 10, 0, 1)).toEqual({ onDemand: { min: 2, max: 10 }, percent: 0 });
  });
});
