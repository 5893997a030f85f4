import { MonitorActionGroup, type MonitorActionGroupConfig } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorAlertProcessingRuleActionGroup } from '@cdktf/provider-azurerm/lib/monitor-alert-processing-rule-action-group';
import {
  MonitorAlertProcessingRuleSuppression,
  type MonitorAlertProcessingRuleSuppressionScheduleRecurrenceWeekly,
} from '@cdktf/provider-azurerm/lib/monitor-alert-processing-rule-suppression';
import {
  MonitorMetricAlert,
  type MonitorMetricAlertConfig,
  type MonitorMetricAlertCriteria,
  type MonitorMetricAlertDynamicCriteria,
} from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Construct } from 'constructs';
import { type AlarmRule, alarmRule, alarmRules } from '../../lib/alarms';
import { defaultMaxConnections } from '../../lib/assumptions';
import type { AlarmSignal } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { DAY_NAMES } from '../../lib/schedules';
import type { AzureCache } from './cache';
import { type AzureComputeGroup, onDemandMaxima, type WeekSpan } from './compute-group';
import type { AzureDatabase } from './database';
import type { AzureLoadBalancer } from './load-balancer';
import type { AzureLocation } from './network';

const GATEWAY_NS = 'Microsoft.Network/applicationGateways';
const AUTOSCALE_NS = 'microsoft.insights/autoscalesettings';
const POSTGRES_NS = 'Microsoft.DBforPostgreSQL/flexibleServers';
const REDIS_NS = 'Microsoft.Cache/redisEnterprise';

/** Window sizes Azure metric alerts accept, in minutes. */
export const ALERT_WINDOWS_MINUTES = [1, 5, 15, 30, 60, 360, 720, 1440] as const;

/** The smallest allowed window that covers `minutes` (a 10-minute rule evaluates over 15). */
export function windowSize(minutes: number): string {
  const m = ALERT_WINDOWS_MINUTES.find((w) => w >= minutes) ?? 1440;
  return m >= 1440 ? 'P1D' : m >= 60 ? `PT${m / 60}H` : `PT${m}M`;
}

/** Fallback for the 5xx count when the spec gives no request target to derive volume from. */
export const MIN_5XX_COUNT = 25;

/**
 * Azure metric alerts cannot divide one metric by another, so the 5xx *rate* becomes a count:
 * the rule's percentage of the request volume expected at minimum capacity over the window
 * (targetRequestsPerInstance x minInstances x seconds), never below MIN_5XX_COUNT.
 */
export function fiveXxThreshold(spec: ResolvedSpec, rule: AlarmRule): number {
  const target = spec.compute.targetRequestsPerInstance;
  if (target === undefined) return MIN_5XX_COUNT;
  const expected = target * Math.max(1, spec.compute.minInstances) * rule.periodMinutes * 60;
  return Math.max(MIN_5XX_COUNT, Math.ceil((expected * rule.threshold) / 100));
}

const hhmmss = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}:00`;

/**
 * Week spans as the weekly recurrences of an alert processing rule, which take days and a time
 * of day: a span is cut at midnights, a whole day has no times, and a piece that runs to
 * midnight ends at 23:59:59 (the API takes HH:MM:SS of one day). Pieces with the same times
 * share one recurrence.
 */
export function weeklyRecurrences(
  spans: readonly WeekSpan[],
): MonitorAlertProcessingRuleSuppressionScheduleRecurrenceWeekly[] {
  const byTimes = new Map<string, { start: number; end: number; days: Set<number> }>();
  for (const span of spans) {
    let at = span.from;
    let left = span.minutes;
    while (left > 0) {
      const day = Math.floor(at / 1440) % 7;
      const start = at % 1440;
      const end = Math.min(1440, start + left);
      const key = `${start}-${end}`;
      const piece = byTimes.get(key) ?? { start, end, days: new Set<number>() };
      piece.days.add(day);
      byTimes.set(key, piece);
      left -= end - start;
      at = (day + 1) * 1440;
    }
  }
  return [...byTimes.values()]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map(({ start, end, days }) => ({
      daysOfWeek: [...days].sort((a, b) => a - b).map((d) => DAY_NAMES[d] as string),
      ...(start === 0 && end === 1440
        ? {}
        : { startTime: hhmmss(start), endTime: end === 1440 ? '23:59:59' : hhmmss(end) }),
    }));
}

/** Spans grouped by time zone (one alert processing rule schedule has one zone). */
function byZone(spans: readonly WeekSpan[]): Map<string, WeekSpan[]> {
  const zones = new Map<string, WeekSpan[]>();
  for (const span of spans) zones.set(span.timezone, [...(zones.get(span.timezone) ?? []), span]);
  return zones;
}

export interface AzureMonitoringProps {
  /** The resolved spec (alert email, thresholds through lib/alarms.ts). */
  readonly spec: ResolvedSpec;
  /** Resource group the action group and alerts go in. */
  readonly where: AzureLocation;
  readonly loadBalancer: AzureLoadBalancer;
  readonly compute: AzureComputeGroup;
  readonly database: AzureDatabase;
  readonly cache: AzureCache;
  /** Per-resource overrides, applied last. @default none */
  /**
   * Bring your own action group (its resource id, e.g. the team's on-call group): every alert
   * notifies it and no action group is created. @default - one action group emailing alerts.email
   */
  readonly actionGroupId?: string | undefined;
  readonly overrides?: {
    readonly actionGroup?: Override<MonitorActionGroupConfig>;
    /** Applied to every alert. */
    readonly alert?: Override<MonitorMetricAlertConfig>;
  };
}

/**
 * An action group that e-mails `alerts.email` and one metric alert per neutral alarm signal
 * (lib/alarms.ts) and resource: gateway 5xx, latency, unhealthy hosts; the on-demand scale set
 * at its maximum (one alert per maximum its schedules put in force, each notifying only while
 * that maximum holds); CPU, storage and connections of every server; lag of every replica; cache
 * memory, evictions and misses.
 */
export class AzureMonitoring extends Construct {
  /** The action group this construct created; undefined when one was brought. */
  public readonly actionGroup?: MonitorActionGroup;
  /** Resource id of the action group every alert notifies. */
  public readonly actionGroupId: string;
  /** Alerts by `<signal>` or `<signal>/<resource id>` (`group-at-max/max<N>` for a schedule's maximum). */
  public readonly alerts: Readonly<Record<string, MonitorMetricAlert>>;
  /** Silence the base group-at-max alert while a schedule's other maximum holds, one per time zone. */
  public readonly groupAtMaxSuppressions: readonly MonitorAlertProcessingRuleSuppression[];
  /** Notify a schedule maximum's group-at-max alert only while that maximum holds, one per maximum and time zone. */
  public readonly groupAtMaxNotifications: readonly MonitorAlertProcessingRuleActionGroup[];
  private readonly where: AzureLocation;

  constructor(scope: Construct, id: string, props: AzureMonitoringProps) {
    super(scope, id);
    const { spec, where, loadBalancer, compute, database, cache } = props;
    this.where = where;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const rules = alarmRules(spec.compute.maxInstances);
    const rule = (s: AlarmSignal) => alarmRule(rules, s);

    const actionGroup = props.actionGroupId
      ? undefined
      : new MonitorActionGroup(
          this,
          'ActionGroup',
          applyOverride(
            {
              name: spec.names.of('azureResource', '-ag'),
              resourceGroupName: where.resourceGroupName,
              location: 'global',
              shortName: spec.names.of('azureActionGroupShort'),
              emailReceiver: [{ name: 'alerts', emailAddress: spec.alerts.email, useCommonAlertSchema: true }],
              tags,
            },
            o.actionGroup,
          ),
        );
    if (actionGroup) this.actionGroup = actionGroup;
    this.actionGroupId = actionGroup ? actionGroup.id : (props.actionGroupId as string);

    const alerts: Record<string, MonitorMetricAlert> = {};
    const alert = (
      key: string,
      signal: AlarmSignal,
      nameIndex: string,
      scope: string,
      criteria: { static?: MonitorMetricAlertCriteria; dynamic?: MonitorMetricAlertDynamicCriteria },
      description: string,
      severity = 2,
      coarse = false,
      notify = true,
    ) => {
      const r = rule(signal);
      const window = windowSize(r.periodMinutes);
      // Metrics published every 5 minutes (Managed Redis) cannot be evaluated every minute.
      const frequency = !coarse && (window === 'PT1M' || window === 'PT5M') ? 'PT1M' : 'PT5M';
      alerts[key] = new MonitorMetricAlert(
        this,
        `Alert-${key.replace('/', '-')}`,
        applyOverride(
          {
            name: spec.names.of('azureAlert', nameIndex),
            resourceGroupName: where.resourceGroupName,
            scopes: [scope],
            description,
            severity,
            windowSize: window,
            frequency,
            autoMitigate: true,
            ...(criteria.static ? { criteria: [criteria.static] } : {}),
            ...(criteria.dynamic ? { dynamicCriteria: criteria.dynamic } : {}),
            ...(notify ? { action: [{ actionGroupId: this.actionGroupId }] } : {}),
            tags,
          },
          o.alert,
        ),
      );
      return alerts[key] as MonitorMetricAlert;
    };

    const gatewayId = loadBalancer.gateway.id;
    const r5xx = rule('lb-5xx-rate');
    alert(
      'lb-5xx-rate',
      'lb-5xx-rate',
      '-lb-5xx-rate',
      gatewayId,
      {
        static: {
          metricNamespace: GATEWAY_NS,
          metricName: 'ResponseStatus',
          aggregation: 'Total',
          operator: 'GreaterThan',
          threshold: fiveXxThreshold(spec, r5xx),
          dimension: [{ name: 'HttpStatusGroup', operator: 'Include', values: ['5xx'] }],
        },
      },
      `${r5xx.description} (as a count: Azure metric alerts cannot divide metrics)`,
      1,
    );
    const rLatency = rule('lb-p99-latency');
    alert(
      'lb-p99-latency',
      'lb-p99-latency',
      '-lb-latency',
      gatewayId,
      {
        // Gateway metrics offer no percentiles: the average of the total time stands in for p99.
        static: {
          metricNamespace: GATEWAY_NS,
          metricName: 'ApplicationGatewayTotalTime',
          aggregation: 'Average',
          operator: 'GreaterThan',
          threshold: rLatency.threshold * 1000,
        },
      },
      `${rLatency.description} (average total time: no percentile on Application Gateway metrics)`,
    );
    const rUnhealthy = rule('unhealthy-hosts');
    alert(
      'unhealthy-hosts',
      'unhealthy-hosts',
      '-unhealthy-hosts',
      gatewayId,
      {
        static: {
          metricNamespace: GATEWAY_NS,
          metricName: 'UnhealthyHostCount',
          aggregation: 'Average',
          operator: 'GreaterThanOrEqual',
          threshold: rUnhealthy.threshold,
        },
      },
      rUnhealthy.description,
      1,
    );
    [this.groupAtMaxSuppressions, this.groupAtMaxNotifications] = this.groupAtMax(
      spec,
      compute,
      (key, nameIndex, max, notify) =>
        alert(
          key,
          'group-at-max',
          nameIndex,
          compute.onDemand.autoscale.id,
          {
            static: {
              metricNamespace: AUTOSCALE_NS,
              metricName: 'ObservedCapacity',
              aggregation: 'Maximum',
              operator: 'GreaterThanOrEqual',
              threshold: max,
            },
          },
          `${compute.spot ? 'On-demand scale set' : 'Scale set'} at its maximum (${max}${notify ? '' : ', in force during a schedule window'}); raise maxInstances or size up${compute.spot ? ' (Spot capacity above it is not guaranteed)' : ''}`,
          2,
          false,
          notify,
        ),
    );

    const rCpu = rule('db-cpu');
    const rStorage = rule('db-storage');
    const rConn = rule('db-connections');
    const rLag = rule('db-replica-lag');
    const connections = Math.floor(
      (defaultMaxConnections('azure', spec.database.instanceType.azure.memoryGiB) * rConn.threshold) / 100,
    );
    const pg = (metricName: string, aggregation: string, threshold: number): MonitorMetricAlertCriteria => ({
      metricNamespace: POSTGRES_NS,
      metricName,
      aggregation,
      operator: 'GreaterThan',
      threshold,
    });
    for (const { id: sid, server, replica } of database.servers()) {
      // Construct ids (Server, Server-s1, Replica-r1, ...) name the alerts too.
      const idx = sid.replace(/^Server/, '').replace(/^Replica/, '');
      const label = replica ? `replica${idx}` : `primary${idx}`;
      alert(
        `db-cpu/${sid}`,
        'db-cpu',
        `-db-cpu${idx}`,
        server.id,
        { static: pg('cpu_percent', 'Average', rCpu.threshold) },
        `${rCpu.description} (${label})`,
      );
      alert(
        `db-storage/${sid}`,
        'db-storage',
        `-db-storage${idx}`,
        server.id,
        { static: pg('storage_percent', 'Average', rStorage.threshold) },
        `${rStorage.description} (${label})`,
        1,
      );
      alert(
        `db-connections/${sid}`,
        'db-connections',
        `-db-connections${idx}`,
        server.id,
        { static: pg('active_connections', 'Maximum', connections) },
        `${rConn.description}: ${connections} connections (${label})`,
      );
      if (replica) {
        alert(
          `db-replica-lag/${sid}`,
          'db-replica-lag',
          `-db-replica-lag${idx}`,
          server.id,
          { static: pg('physical_replication_delay_in_seconds', 'Maximum', rLag.threshold) },
          `${rLag.description} (${label})`,
        );
      }
    }

    const redisId = cache.redis.id;
    const rMem = rule('cache-memory');
    alert(
      'cache-memory',
      'cache-memory',
      '-cache-memory',
      redisId,
      {
        static: {
          metricNamespace: REDIS_NS,
          metricName: 'usedmemorypercentage',
          aggregation: 'Maximum',
          operator: 'GreaterThan',
          threshold: rMem.threshold,
        },
      },
      rMem.description,
      2,
      true,
    );
    const rEvict = rule('cache-evictions');
    alert(
      'cache-evictions',
      'cache-evictions',
      '-cache-evictions',
      redisId,
      {
        static: {
          metricNamespace: REDIS_NS,
          metricName: 'evictedkeys',
          aggregation: 'Total',
          operator: 'GreaterThan',
          threshold: rEvict.threshold,
        },
      },
      rEvict.description,
      2,
      true,
    );
    const rHit = rule('cache-hit-ratio');
    // Managed Redis publishes hits and misses but no ratio, and alerts cannot divide: a dynamic
    // threshold on misses fires when misses rise well above their learned baseline.
    alert(
      'cache-hit-ratio',
      'cache-hit-ratio',
      '-cache-misses',
      redisId,
      {
        dynamic: {
          metricNamespace: REDIS_NS,
          metricName: 'cachemisses',
          aggregation: 'Total',
          operator: 'GreaterThan',
          alertSensitivity: 'Medium',
          evaluationTotalCount: 4,
          evaluationFailureCount: 3,
        },
      },
      `${rHit.description} (proxy: cache misses above their dynamic baseline)`,
      2,
      true,
    );
    this.alerts = alerts;
  }

  /**
   * group-at-max: the on-demand set is what can certainly scale (Spot capacity may not be there),
   * so its maximum is the group's. Azure autoscale publishes no current maximum, so there is one
   * alert per maximum the schedules put in force: the base alert notifies except while another
   * maximum holds (a suppression rule on those spans), each other alert notifies only while its
   * maximum holds (an alert processing rule adds the action group on its spans).
   */
  private groupAtMax(
    spec: ResolvedSpec,
    compute: AzureComputeGroup,
    alert: (key: string, nameIndex: string, max: number, notify: boolean) => MonitorMetricAlert,
  ): [MonitorAlertProcessingRuleSuppression[], MonitorAlertProcessingRuleActionGroup[]] {
    const maxima = onDemandMaxima(spec);
    const suppressions: MonitorAlertProcessingRuleSuppression[] = [];
    const notifications: MonitorAlertProcessingRuleActionGroup[] = [];
    const { resourceGroupName } = this.where;
    const scopes = [compute.onDemand.autoscale.id];
    const rule = (
      nameIndex: string,
      alertId: string,
      zone: string,
      spans: readonly WeekSpan[],
      description: string,
    ) => ({
      name: spec.names.of('azureAlert', nameIndex),
      resourceGroupName,
      scopes,
      description,
      condition: { alertRuleId: { operator: 'Equals', values: [alertId] } },
      schedule: { timeZone: zone, recurrence: { weekly: weeklyRecurrences(spans) } },
      tags: { ...spec.tags },
    });
    for (const m of maxima) {
      const key = m.base ? 'group-at-max' : `group-at-max/max${m.max}`;
      const index = m.base ? '-group-at-max' : `-group-at-max-${m.max}`;
      const a = alert(key, index, m.max, m.base);
      const spans = m.base ? maxima.filter((x) => !x.base).flatMap((x) => x.spans) : m.spans;
      [...byZone(spans)].forEach(([zone, zoneSpans], i) => {
        const suffix = `${index}-${m.base ? 'quiet' : 'notify'}${i === 0 ? '' : `-${i + 1}`}`;
        if (m.base) {
          suppressions.push(
            new MonitorAlertProcessingRuleSuppression(
              this,
              `Quiet${suffix}`,
              rule(
                suffix,
                a.id,
                zone,
                zoneSpans,
                `Silences the group-at-max alert while a schedule window's other maximum holds`,
              ),
            ),
          );
        } else {
          notifications.push(
            new MonitorAlertProcessingRuleActionGroup(this, `Notify${suffix}`, {
              ...rule(
                suffix,
                a.id,
                zone,
                zoneSpans,
                `Notifies the group-at-max alert of ${m.max} only while that maximum holds`,
              ),
              addActionGroupIds: [this.actionGroupId],
            }),
          );
        }
      });
    }
    return [suppressions, notifications];
  }
}
