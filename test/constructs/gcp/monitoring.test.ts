import { GcpMonitoring, type GcpMonitoringProps } from '../../../constructs/gcp/monitoring';
import { ALARM_SIGNALS } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, resources, synth } from './helpers';

function monitoring(spec: ResolvedSpec, props: Partial<GcpMonitoringProps> = {}): Json {
  return synth(
    (scope) =>
      new GcpMonitoring(scope, 'monitoring', {
        spec,
        urlMapName: 'shop-api-prd-lb',
        instanceGroupNames: ['shop-api-prd-mig', 'shop-api-prd-mig-spot'],
        maxInstances: 12,
        cache: { name: 'shop-api-prd-redis', clustered: false },
        ...props,
      }),
  );
}
const policy = (tf: Json, signal: string): Json =>
  resources(tf, 'google_monitoring_alert_policy').find((p) => p.display_name === `shop-api-prd ${signal}`);
const threshold = (tf: Json, signal: string): Json => policy(tf, signal).conditions[0].condition_threshold;

describe('GcpMonitoring', () => {
  const tf = monitoring(resolved('prod'));

  it('GIVEN the spec email WHEN synthesized THEN one email notification channel', () => {
    const channels = resources(tf, 'google_monitoring_notification_channel');
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ type: 'email', labels: { email_address: 'ops@example.com' } });
  });

  it('GIVEN the neutral alarm list WHEN synthesized THEN one policy per signal, each notifying the channel', () => {
    const policies = resources(tf, 'google_monitoring_alert_policy');
    expect(policies.map((p) => p.display_name).sort()).toEqual(ALARM_SIGNALS.map((s) => `shop-api-prd ${s}`).sort());
    for (const p of policies) {
      expect(p.notification_channels).toEqual([expect.stringMatching(/google_monitoring_notification_channel\./)]);
      expect(p.conditions).toHaveLength(1);
      expect(p.documentation.content.length).toBeGreaterThan(10);
    }
  });

  it('GIVEN the 5% rule WHEN synthesized THEN a 5xx / all-requests ratio on the URL map above 0.05', () => {
    const c = threshold(tf, 'lb-5xx-rate');
    expect(c.filter).toContain('loadbalancing.googleapis.com/https/request_count');
    expect(c.filter).toContain('resource.labels.url_map_name="shop-api-prd-lb"');
    expect(c.filter).toContain('metric.labels.response_code_class=500');
    expect(c.denominator_filter).not.toContain('response_code_class');
    expect(c).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0.05 });
  });

  it('GIVEN the 2 s rule WHEN synthesized THEN p99 backend latency above 2000 ms', () => {
    const c = threshold(tf, 'lb-p99-latency');
    expect(c.filter).toContain('https/backend_latencies');
    expect(c.aggregations[0].cross_series_reducer).toBe('REDUCE_PERCENTILE_99');
    expect(c.threshold_value).toBe(2000);
  });

  it('GIVEN the groups WHEN synthesized THEN unhealthy transitions in their health-check logs alert', () => {
    const p = policy(tf, 'unhealthy-hosts');
    const filter: string = p.conditions[0].condition_matched_log.filter;
    expect(filter).toContain('healthState="UNHEALTHY"');
    expect(filter).toContain('"shop-api-prd-mig" OR "shop-api-prd-mig-spot"');
    expect(p.alert_strategy.notification_rate_limit).toEqual({ period: '300s' });
  });

  it('GIVEN a 12-instance ceiling WHEN synthesized THEN the summed group size reaching 12 alerts', () => {
    const c = threshold(tf, 'group-at-max');
    expect(c.filter).toContain('one_of("shop-api-prd-mig", "shop-api-prd-mig-spot")');
    expect(c.aggregations[0].cross_series_reducer).toBe('REDUCE_SUM');
    expect(c).toMatchObject({ comparison: 'COMPARISON_GE', threshold_value: 12 });
  });

  it('GIVEN schedules WHEN synthesized THEN the group-at-max documentation says why one threshold fits every window', () => {
    const content: string = policy(tf, 'group-at-max').documentation.content;
    expect(content).toMatch(/^Instance group at its maximum \(12\)/);
    expect(content).toContain('scaling schedules only raise the minimum');
    expect(content).toContain('cannot lower a maximum');
  });

  it('GIVEN the database roles job WHEN synthesized THEN its failure line in the logs alerts, rate-limited', () => {
    const withJob = monitoring(resolved('prod'), { rolesJob: { failureLine: 'FAILED on shop-api-prd-db-roles' } });
    const p = resources(withJob, 'google_monitoring_alert_policy').find(
      (x) => x.display_name === 'shop-api-prd roles-job-failed',
    );
    expect(p.conditions[0].condition_matched_log.filter).toBe(
      'resource.type="gce_instance" AND "FAILED on shop-api-prd-db-roles"',
    );
    expect(p.notification_channels).toEqual([expect.stringMatching(/google_monitoring_notification_channel\./)]);
    expect(p.alert_strategy.notification_rate_limit).toEqual({ period: '300s' });
    expect(p.documentation.content).toContain('get-serial-port-output');
    expect(
      resources(tf, 'google_monitoring_alert_policy').some((x) => x.display_name.endsWith('roles-job-failed')),
    ).toBe(false);
  });

  it('GIVEN Cloud SQL WHEN synthesized THEN CPU, disk and connections cover every instance as ratios of the metric', () => {
    expect(threshold(tf, 'db-cpu').threshold_value).toBe(0.8);
    expect(threshold(tf, 'db-storage').threshold_value).toBe(0.85);
    // db-custom-2-13312 (13 GiB): Cloud SQL's default max_connections is 400; 80% of it.
    expect(threshold(tf, 'db-connections').threshold_value).toBe(320);
    for (const s of ['db-cpu', 'db-storage', 'db-connections']) {
      expect(threshold(tf, s).filter).toContain('[^:]+:shop-api-prd-pg(-s[0-9]+)?(-r[0-9]+)?');
    }
    const lag = threshold(tf, 'db-replica-lag');
    expect(lag.filter).toContain('replication/replica_lag');
    expect(lag.filter).toContain('shop-api-prd-pg(-s[0-9]+)?-r[0-9]+');
    expect(lag.threshold_value).toBe(30);
  });

  it('GIVEN a Memorystore instance WHEN synthesized THEN memory, evictions and hit ratio use redis_instance metrics', () => {
    expect(threshold(tf, 'cache-memory')).toMatchObject({ threshold_value: 0.8 });
    expect(threshold(tf, 'cache-memory').filter).toContain('stats/memory/usage_ratio');
    expect(threshold(tf, 'cache-evictions')).toMatchObject({ threshold_value: 100, comparison: 'COMPARISON_GT' });
    const hit = threshold(tf, 'cache-hit-ratio');
    // hit ratio < 80% <=> misses / hits > 0.25
    expect(hit.filter).toContain('stats/keyspace_misses');
    expect(hit.denominator_filter).toContain('stats/keyspace_hits');
    expect(hit).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0.25 });
  });

  it('GIVEN a Redis Cluster WHEN synthesized THEN the cache policies use cluster metrics', () => {
    const clustered = monitoring(resolved('prod'), { cache: { name: 'shop-api-prd-redis', clustered: true } });
    expect(threshold(clustered, 'cache-memory').filter).toContain('cluster/memory/maximum_utilization');
    expect(threshold(clustered, 'cache-evictions').filter).toContain('cluster/stats/total_evicted_keys_count');
    expect(threshold(clustered, 'cache-hit-ratio').denominator_filter).toContain(
      'cluster/stats/total_keyspace_hits_count',
    );
    for (const s of ['cache-memory', 'cache-evictions', 'cache-hit-ratio']) {
      expect(threshold(clustered, s).filter).toContain('resource.type="redis.googleapis.com/Cluster"');
    }
  });

  it('GIVEN overrides WHEN synthesized THEN they apply to every policy', () => {
    const overridden = monitoring(resolved('dev'), {
      overrides: { alertPolicy: (p) => ({ ...p, severity: 'WARNING' }) },
    });
    for (const p of resources(overridden, 'google_monitoring_alert_policy')) expect(p.severity).toBe('WARNING');
  });
});
