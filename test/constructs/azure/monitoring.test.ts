import { Testing } from 'cdktf';
import { AzureCache } from '../../../constructs/azure/cache';
import { AzureComputeGroup, onDemandMaxima } from '../../../constructs/azure/compute-group';
import { AzureDatabase } from '../../../constructs/azure/database';
import { AzureLoadBalancer } from '../../../constructs/azure/load-balancer';
import {
  AzureMonitoring,
  fiveXxThreshold,
  MIN_5XX_COUNT,
  weeklyRecurrences,
  windowSize,
} from '../../../constructs/azure/monitoring';
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
  const { json: ex } = build(resolved('example'));
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

  test('GIVEN spot capacity WHEN synthesized THEN group-at-max watches the on-demand maximum, the capacity that can surely scale', () => {
    const atMax = all(ex, 'azurerm_monitor_metric_alert').filter((a) => a.name.includes('group-at-max'));
    expect(atMax.map((a) => a.name)).toEqual(['shop-api-prd-group-at-max']);
    expect(atMax[0]?.scopes[0]).toMatch(/Compute_Autoscale_/);
    expect(atMax[0]?.criteria[0].threshold).toBe(resolved('example').compute.spot.onDemand.max);
    expect(atMax[0]?.description).toMatch(/Spot capacity above it is not guaranteed/);
  });

  describe('GIVEN a weeknight window that lowers the maximum to 4', () => {
    const nights = resolved('prod', {
      compute: {
        scaling: {
          schedules: [{ name: 'nights', cron: '0 20 * * 1-5', durationMinutes: 600, minInstances: 1, maxInstances: 4 }],
        },
      },
    });
    const { json: n } = build(nights);
    const atMax = (name: string) =>
      all(n, 'azurerm_monitor_metric_alert').find((a) => a.name === `shop-api-prd-${name}`);
    const nightly = [
      {
        days_of_week: ['Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
        start_time: '00:00:00',
        end_time: '06:00:00',
      },
      {
        days_of_week: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
        start_time: '20:00:00',
        end_time: '23:59:59',
      },
    ];

    test('WHEN synthesized THEN one alert per maximum: 10 by day and 4 at night, both on the on-demand set', () => {
      expect(atMax('group-at-max')?.criteria[0].threshold).toBe(10);
      expect(atMax('group-at-max-4')?.criteria[0]).toMatchObject({ metric_name: 'ObservedCapacity', threshold: 4 });
      expect(atMax('group-at-max-4')?.scopes).toEqual(atMax('group-at-max')?.scopes);
    });

    test('WHEN synthesized THEN the base alert is silenced during the window, which it could not reach', () => {
      const [quiet] = all(n, 'azurerm_monitor_alert_processing_rule_suppression');
      expect(quiet?.condition.alert_rule_id).toEqual({
        operator: 'Equals',
        values: [expect.stringMatching(/Monitoring_Alert-group-at-max_[0-9A-F]+\.id/)],
      });
      expect(quiet?.schedule).toEqual({ time_zone: 'UTC', recurrence: { weekly: nightly } });
      expect(atMax('group-at-max')?.action).toHaveLength(1);
    });

    test('WHEN synthesized THEN the window alert notifies only during the window', () => {
      expect(atMax('group-at-max-4')?.action).toBeUndefined();
      const [notify] = all(n, 'azurerm_monitor_alert_processing_rule_action_group');
      expect(notify?.condition.alert_rule_id.values).toEqual([
        expect.stringMatching(/Monitoring_Alert-group-at-max-max4_/),
      ]);
      expect(notify?.add_action_group_ids).toEqual([expect.stringMatching(/Monitoring_ActionGroup_/)]);
      expect(notify?.schedule).toEqual({ time_zone: 'UTC', recurrence: { weekly: nightly } });
    });
  });

  test('GIVEN a window whose on-demand maximum equals the base WHEN synthesized THEN no extra alert or rule', () => {
    expect(all(ex, 'azurerm_monitor_alert_processing_rule_suppression')).toHaveLength(0);
    expect(all(ex, 'azurerm_monitor_alert_processing_rule_action_group')).toHaveLength(0);
  });
});

describe('onDemandMaxima', () => {
  const at = (day: number, hour: number, minute = 0) => day * 1440 + hour * 60 + minute;
  const schedule = (name: string, cron: string, durationMinutes: number, maxInstances: number, timezone = 'UTC') => ({
    name,
    cron,
    durationMinutes,
    timezone,
    minInstances: 1,
    maxInstances,
  });

  test('GIVEN a window that opens inside another WHEN the first ends THEN the base maximum is back, as Azure autoscale does', () => {
    // Monday: A 08:00-18:00 (max 6), B 12:00-14:00 (max 8). B's end profile brings back the base at 14:00.
    const spec = resolved('prod', {
      compute: { scaling: { schedules: [schedule('a', '0 8 * * 1', 600, 6), schedule('b', '0 12 * * 1', 120, 8)] } },
    });
    expect(onDemandMaxima(spec)).toEqual([
      { max: 10, base: true, spans: [] },
      { max: 6, base: false, spans: [{ timezone: 'UTC', from: at(1, 8), minutes: 240 }] },
      { max: 8, base: false, spans: [{ timezone: 'UTC', from: at(1, 12), minutes: 120 }] },
    ]);
  });

  test('GIVEN windows in two time zones WHEN mapped THEN each counts from its own start for its duration', () => {
    const spec = resolved('prod', {
      compute: {
        scaling: {
          schedules: [
            schedule('ny', '0 8 * * 1', 60, 6, 'America/New_York'),
            schedule('ber', '0 8 * * 2', 60, 6, 'Europe/Berlin'),
          ],
        },
      },
    });
    expect(onDemandMaxima(spec)[1]?.spans).toEqual([
      { timezone: 'Eastern Standard Time', from: at(1, 8), minutes: 60 },
      { timezone: 'W. Europe Standard Time', from: at(2, 8), minutes: 60 },
    ]);
  });

  test('GIVEN a window as long as the week WHEN mapped THEN its maximum holds all week', () => {
    const spec = resolved('prod', { compute: { scaling: { schedules: [schedule('all', '0 0 * * 0', 7 * 1440, 4)] } } });
    expect(onDemandMaxima(spec)[1]).toEqual({
      max: 4,
      base: false,
      spans: [{ timezone: 'UTC', from: 0, minutes: 7 * 1440 }],
    });
  });
});

describe('weeklyRecurrences', () => {
  test('GIVEN spans across midnight and whole days WHEN mapped THEN pieces per day, whole days without times, equal pieces merged', () => {
    // Friday 18:00 to Monday 06:00, and Wednesday 09:00-17:00.
    const recurrences = weeklyRecurrences([
      { timezone: 'UTC', from: 5 * 1440 + 18 * 60, minutes: 60 * 60 },
      { timezone: 'UTC', from: 3 * 1440 + 9 * 60, minutes: 8 * 60 },
    ]);
    expect(recurrences).toEqual([
      { daysOfWeek: ['Monday'], startTime: '00:00:00', endTime: '06:00:00' },
      { daysOfWeek: ['Sunday', 'Saturday'] },
      { daysOfWeek: ['Wednesday'], startTime: '09:00:00', endTime: '17:00:00' },
      { daysOfWeek: ['Friday'], startTime: '18:00:00', endTime: '23:59:59' },
    ]);
  });
});
