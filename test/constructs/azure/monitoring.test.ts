import { Testing } from 'cdktf';
import { AzureCache } from '../../../constructs/azure/cache';
import { AzureComputeGroup } from '../../../constructs/azure/compute-group';
import { AzureDatabase } from '../../../constructs/azure/database';
import { AzureLoadBalancer } from '../../../constructs/azure/load-balancer';
import { AzureMonitoring, fiveXxThreshold, MIN_5XX_COUNT, windowSize } from '../../../constructs/azure/monitoring';
import { AzureNetwork } from '../../../constructs/azure/network';
import { AzureSecrets } from '../../../constructs/azure/secrets';
import { alarmRule, alarmRules } from '../../../lib/alarms';
import { ALARM_SIGNALS, ENV_CONTRACT, type EnvContractName } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const ENV = Object.fromEntries(ENV_CONTRACT.map((n) => [n, 'x'])) as Record<EnvContractName, string>;

function build(spec: ResolvedSpec) {
  let monitoring: AzureMonitoring | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec });
      const secrets = new AzureSecrets(scope, 'Secrets', { spec, network });
      const database = new AzureDatabase(scope, 'Database', { spec, network, secrets });
      const cache = new AzureCache(scope, 'Cache', { spec, network, secrets });
      const loadBalancer = new AzureLoadBalancer(scope, 'LoadBalancer', { spec, network });
      const compute = new AzureComputeGroup(scope, 'Compute', {
        spec,
        network,
        loadBalancer,
        secrets,
        readableSecrets: {},
        environment: ENV,
      });
      monitoring = new AzureMonitoring(scope, 'Monitoring', {
        spec,
        where: network.where,
        loadBalancer,
        compute,
        database,
        cache,
      });
    }),
  ) as Json;
  return { json, monitoring: monitoring as AzureMonitoring };
}

describe('AzureMonitoring', () => {
  const { json, monitoring } = build(resolved('prod'));
  const alert = (name: string) =>
    all(json, 'azurerm_monitor_metric_alert').find((a) => a.name === `shop-api-prd-${name}`);

  test('GIVEN the alert email WHEN synthesized THEN an action group mails it', () => {
    expect(all(json, 'azurerm_monitor_action_group')[0]).toMatchObject({
      short_name: 'shop-api',
      email_receiver: [{ name: 'alerts', email_address: 'ops@example.com', use_common_alert_schema: true }],
    });
  });

  test('GIVEN the neutral alarm list WHEN synthesized THEN every signal has at least one alert, each wired to the action group', () => {
    const signals = new Set(Object.keys(monitoring.alerts).map((k) => k.split('/')[0]?.replace(/-spot$/, '')));
    for (const s of ALARM_SIGNALS) expect(signals).toContain(s);
    for (const a of all(json, 'azurerm_monitor_metric_alert')) {
      expect(a.action[0].action_group_id).toMatch(/Monitoring_ActionGroup_/);
    }
  });

  test('GIVEN prod with two replicas WHEN synthesized THEN CPU/storage/connections per server and lag on replicas only', () => {
    const names = all(json, 'azurerm_monitor_metric_alert').map((a) => a.name);
    expect(names.filter((n) => n.includes('-db-cpu'))).toHaveLength(3);
    expect(names.filter((n) => n.includes('-db-replica-lag')).sort()).toEqual([
      'shop-api-prd-db-replica-lag-r1',
      'shop-api-prd-db-replica-lag-r2',
    ]);
    expect(alert('db-replica-lag-r1')?.criteria[0]).toMatchObject({
      metric_name: 'physical_replication_delay_in_seconds',
      threshold: 30,
    });
  });

  test('GIVEN lib thresholds WHEN synthesized THEN gateway alerts use the native metrics', () => {
    expect(alert('lb-5xx-rate')?.criteria[0]).toMatchObject({
      metric_name: 'ResponseStatus',
      dimension: [{ name: 'HttpStatusGroup', operator: 'Include', values: ['5xx'] }],
      threshold: MIN_5XX_COUNT,
    });
    expect(alert('lb-latency')?.criteria[0]).toMatchObject({
      metric_name: 'ApplicationGatewayTotalTime',
      threshold: 2000,
    });
    expect(alert('unhealthy-hosts')?.criteria[0]).toMatchObject({
      metric_name: 'UnhealthyHostCount',
      operator: 'GreaterThanOrEqual',
      threshold: 1,
    });
  });

  test('GIVEN the group maximum WHEN synthesized THEN the autoscale observed capacity alarms at it', () => {
    expect(alert('group-at-max')?.criteria[0]).toMatchObject({
      metric_namespace: 'microsoft.insights/autoscalesettings',
      metric_name: 'ObservedCapacity',
      threshold: 10,
    });
    expect(alert('group-at-max')?.scopes[0]).toMatch(/Compute_Autoscale_/);
  });

  test('GIVEN a medium database WHEN synthesized THEN the connections alarm is 80% of its default max_connections', () => {
    expect(alert('db-connections')?.criteria[0]).toMatchObject({ metric_name: 'active_connections', threshold: 1375 });
  });

  test('GIVEN the cache WHEN synthesized THEN memory, evictions and a dynamic misses alert watch it', () => {
    expect(alert('cache-memory')?.criteria[0]).toMatchObject({ metric_name: 'usedmemorypercentage', threshold: 80 });
    expect(alert('cache-evictions')?.criteria[0]).toMatchObject({ metric_name: 'evictedkeys', threshold: 100 });
    expect(alert('cache-misses')?.dynamic_criteria).toMatchObject({
      metric_name: 'cachemisses',
      alert_sensitivity: 'Medium',
    });
  });

  test('GIVEN alarm periods WHEN mapped THEN they round up to windows Azure accepts', () => {
    expect([1, 5, 10, 15, 60, 2000].map(windowSize)).toEqual(['PT1M', 'PT5M', 'PT15M', 'PT15M', 'PT1H', 'P1D']);
    expect(alert('db-cpu')?.window_size).toBe('PT15M');
  });

  test('GIVEN a request target WHEN the 5xx count is derived THEN it is 5% of the expected volume at minimum capacity', () => {
    const spec = resolved('prod', { compute: { scaling: { targetRequestsPerInstance: 100 } } });
    expect(fiveXxThreshold(spec, alarmRule(alarmRules(10), 'lb-5xx-rate'))).toBe(Math.ceil(100 * 2 * 300 * 0.05));
  });

  test('GIVEN spot capacity WHEN synthesized THEN each scale set has its own at-max alarm', () => {
    const { json: ex } = build(resolved('example'));
    const names = all(ex, 'azurerm_monitor_metric_alert').map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['shop-api-prd-group-at-max', 'shop-api-prd-group-at-max-spot']));
  });
});
