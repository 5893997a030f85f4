import {
  MonitoringAlertPolicy,
  type MonitoringAlertPolicyConditions,
  type MonitoringAlertPolicyConditionsConditionThreshold,
  type MonitoringAlertPolicyConfig,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
import {
  MonitoringNotificationChannel,
  type MonitoringNotificationChannelConfig,
} from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { Construct } from 'constructs';
import { type AlarmRule, alarmRule, alarmRules } from '../../lib/alarms';
import { defaultMaxConnections } from '../../lib/assumptions';
import type { AlarmSignal } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

export interface GcpMonitoringProps {
  /** The resolved spec: alert email, names, database size (for the connection ceiling), labels. */
  readonly spec: ResolvedSpec;
  /** Name of the load balancer's main URL map. */
  readonly urlMapName: string;
  /** Names of the app's managed instance groups. */
  readonly instanceGroupNames: readonly string[];
  /**
   * Sum of the groups' maximum sizes: the group-at-max threshold. GCP scaling schedules only raise
   * the minimum for their window and cannot lower a maximum, so this holds in every window.
   */
  readonly maxInstances: number;
  /** The database roles job, whose failure line alerts (GcpDatabaseRoles). @default no job alert */
  readonly rolesJob?: { readonly failureLine: string };
  /** The cache: its name and whether it is a Redis Cluster. */
  readonly cache: { readonly name: string; readonly clustered: boolean };
  /** Per-resource overrides, applied last. @default none */
  /**
   * Bring your own notification channels (ids `projects/<p>/notificationChannels/<n>`, e.g. a
   * team's pager channel): every policy notifies these and no email channel is created.
   * @default - one email channel to alerts.email
   */
  readonly notificationChannelIds?: readonly string[];
  readonly overrides?: {
    /** The email notification channel. */
    readonly channel?: Override<MonitoringNotificationChannelConfig>;
    /** Every alert policy (check `displayName`). */
    readonly alertPolicy?: Override<MonitoringAlertPolicyConfig>;
  };
}

/** Monitoring filter: `a AND b AND ...`. */
const all = (...parts: string[]) => parts.join(' AND ');
const quote = (s: string) => JSON.stringify(s);

/**
 * Cloud Monitoring alert policies for every signal of lib/alarms.ts, sent to an email
 * channel. Thresholds come from alarmRules(); units are converted to the metric's own
 * (ratios 0-1, milliseconds). Cloud SQL alarms cover every primary and replica by name
 * pattern, so adding shards or replicas needs no new policy.
 */
export class GcpMonitoring extends Construct {
  /** The email channel, when no channels were brought. */
  public readonly channel?: MonitoringNotificationChannel;
  /** The channels every policy notifies. */
  public readonly channelIds: readonly string[];
  /** One policy per alarm signal. */
  public readonly policies: Readonly<Record<AlarmSignal, MonitoringAlertPolicy>>;
  /** Present with `rolesJob`: the job logged a failure (the apps keep their previous login). */
  public readonly rolesJobFailed?: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: GcpMonitoringProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const rules = alarmRules(props.maxInstances);
    const rule = (signal: AlarmSignal) => alarmRule(rules, signal);

    const channel = props.notificationChannelIds
      ? undefined
      : new MonitoringNotificationChannel(
          this,
          'email',
          applyOverride<MonitoringNotificationChannelConfig>(
            {
              displayName: `${spec.names.base} alarms`,
              type: 'email',
              labels: { email_address: spec.alerts.email },
              userLabels: { ...spec.tags },
            },
            o.channel,
          ),
        );
    if (channel) this.channel = channel;
    this.channelIds = channel ? [channel.id] : [...(props.notificationChannelIds ?? [])];

    const policy = (
      signal: AlarmSignal,
      condition: Omit<MonitoringAlertPolicyConditions, 'displayName'>,
      extra: Partial<MonitoringAlertPolicyConfig> = {},
      note?: string,
    ) => {
      const r = rule(signal);
      return new MonitoringAlertPolicy(
        this,
        signal,
        applyOverride<MonitoringAlertPolicyConfig>(
          {
            displayName: `${spec.names.base} ${signal}`,
            combiner: 'OR',
            severity: severityOf(signal),
            notificationChannels: [...this.channelIds],
            documentation: {
              content: note ? `${r.description}. ${note}` : r.description,
              mimeType: 'text/markdown',
              subject: `${spec.names.base}: ${r.description}`,
            },
            userLabels: { ...spec.tags },
            conditions: [{ displayName: r.description, ...condition }],
            alertStrategy: { autoClose: '1800s' },
            ...extra,
          },
          o.alertPolicy,
        ),
      );
    };

    // ---- load balancer and groups
    const lb = all(`resource.type="https_lb_rule"`, `resource.labels.url_map_name=${quote(props.urlMapName)}`);
    const requests = all('metric.type="loadbalancing.googleapis.com/https/request_count"', lb);
    const sumRate = (r: AlarmRule) => [
      { alignmentPeriod: window(r), perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM' },
    ];
    const groups = props.instanceGroupNames.map(quote);

    const policies: Partial<Record<AlarmSignal, MonitoringAlertPolicy>> = {};
    const r5xx = rule('lb-5xx-rate');
    policies['lb-5xx-rate'] = policy('lb-5xx-rate', {
      conditionThreshold: {
        filter: all(requests, 'metric.labels.response_code_class=500'),
        aggregations: sumRate(r5xx),
        denominatorFilter: requests,
        denominatorAggregations: sumRate(r5xx),
        ...threshold(r5xx, r5xx.threshold / 100),
      },
    });
    const rLatency = rule('lb-p99-latency');
    policies['lb-p99-latency'] = policy('lb-p99-latency', {
      conditionThreshold: {
        filter: all('metric.type="loadbalancing.googleapis.com/https/backend_latencies"', lb),
        aggregations: [
          {
            alignmentPeriod: window(rLatency),
            perSeriesAligner: 'ALIGN_DELTA',
            crossSeriesReducer: 'REDUCE_PERCENTILE_99',
          },
        ],
        // The metric is in milliseconds.
        ...threshold(rLatency, rLatency.threshold * 1000),
      },
    });
    // The health check logs each transition to UNHEALTHY: one is enough to alert.
    policies['unhealthy-hosts'] = policy(
      'unhealthy-hosts',
      {
        conditionMatchedLog: {
          filter: [
            'resource.type="gce_instance_group"',
            'log_id("compute.googleapis.com/healthchecks")',
            'jsonPayload.healthCheckProbeResult.healthState="UNHEALTHY"',
            `resource.labels.instance_group_name=(${groups.join(' OR ')})`,
          ].join(' AND '),
        },
      },
      { alertStrategy: { autoClose: '1800s', notificationRateLimit: { period: '300s' } } },
    );
    const rMax = rule('group-at-max');
    policies['group-at-max'] = policy(
      'group-at-max',
      {
        conditionThreshold: {
          filter: all(
            'metric.type="compute.googleapis.com/instance_group/size"',
            'resource.type="instance_group"',
            `resource.labels.instance_group_name=one_of(${groups.join(', ')})`,
          ),
          aggregations: [
            { alignmentPeriod: window(rMax), perSeriesAligner: 'ALIGN_MEAN', crossSeriesReducer: 'REDUCE_SUM' },
          ],
          // A group never exceeds its maximum: reaching it (for the whole window) is the alarm.
          ...threshold(rMax, rMax.threshold, 'COMPARISON_GE'),
        },
      },
      {},
      'The threshold is the sum of the on-demand and Spot maxima. GCP scaling schedules only raise the minimum during their window and cannot lower a maximum, so it is the ceiling in every window. Spot VMs are not guaranteed: while Spot capacity is short the groups stay below it.',
    );

    // ---- Cloud SQL: every primary and replica of every shard, by name pattern
    const sql = spec.names.of('gcpSql');
    const instances = (pattern: string) =>
      all(
        'resource.type="cloudsql_database"',
        `resource.labels.database_id=monitoring.regex.full_match(${quote(`[^:]+:${sql}${pattern}`)})`,
      );
    const anyInstance = instances('(-s[0-9]+)?(-r[0-9]+)?');
    const mean = (r: AlarmRule) => [{ alignmentPeriod: window(r), perSeriesAligner: 'ALIGN_MEAN' }];
    const rCpu = rule('db-cpu');
    policies['db-cpu'] = policy('db-cpu', {
      conditionThreshold: {
        filter: all('metric.type="cloudsql.googleapis.com/database/cpu/utilization"', anyInstance),
        aggregations: mean(rCpu),
        ...threshold(rCpu, rCpu.threshold / 100),
      },
    });
    const rDisk = rule('db-storage');
    policies['db-storage'] = policy('db-storage', {
      conditionThreshold: {
        filter: all('metric.type="cloudsql.googleapis.com/database/disk/utilization"', anyInstance),
        aggregations: mean(rDisk),
        ...threshold(rDisk, rDisk.threshold / 100),
      },
    });
    const rConn = rule('db-connections');
    const maxConnections = defaultMaxConnections('gcp', spec.database.instanceType.gcp.memoryGiB);
    policies['db-connections'] = policy('db-connections', {
      conditionThreshold: {
        filter: all('metric.type="cloudsql.googleapis.com/database/postgresql/num_backends"', anyInstance),
        aggregations: [
          {
            alignmentPeriod: window(rConn),
            perSeriesAligner: 'ALIGN_MEAN',
            crossSeriesReducer: 'REDUCE_SUM',
            groupByFields: ['resource.labels.database_id'],
          },
        ],
        // Cloud SQL's default max_connections for the tier's memory.
        ...threshold(rConn, Math.floor((maxConnections * rConn.threshold) / 100)),
      },
    });
    const rLag = rule('db-replica-lag');
    policies['db-replica-lag'] = policy('db-replica-lag', {
      conditionThreshold: {
        filter: all(
          'metric.type="cloudsql.googleapis.com/database/replication/replica_lag"',
          instances('(-s[0-9]+)?-r[0-9]+'),
        ),
        aggregations: [{ alignmentPeriod: window(rLag), perSeriesAligner: 'ALIGN_MAX' }],
        ...threshold(rLag, rLag.threshold),
      },
    });

    // ---- cache: Memorystore for Redis or Redis Cluster metrics
    const cacheMetric = (instanceMetric: string, clusterMetric: string) =>
      props.cache.clustered
        ? all(
            `metric.type="redis.googleapis.com/${clusterMetric}"`,
            'resource.type="redis.googleapis.com/Cluster"',
            `resource.labels.cluster_id=monitoring.regex.full_match(${quote(`(.*/)?${props.cache.name}`)})`,
          )
        : all(
            `metric.type="redis.googleapis.com/${instanceMetric}"`,
            'resource.type="redis_instance"',
            `resource.labels.instance_id=monitoring.regex.full_match(${quote(`(.*/)?${props.cache.name}`)})`,
          );
    const rMem = rule('cache-memory');
    policies['cache-memory'] = policy('cache-memory', {
      conditionThreshold: {
        filter: cacheMetric('stats/memory/usage_ratio', 'cluster/memory/maximum_utilization'),
        aggregations: [
          { alignmentPeriod: window(rMem), perSeriesAligner: 'ALIGN_MAX', crossSeriesReducer: 'REDUCE_MAX' },
        ],
        ...threshold(rMem, rMem.threshold / 100),
      },
    });
    const sum = (r: AlarmRule) => [
      { alignmentPeriod: window(r), perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' },
    ];
    const rEvict = rule('cache-evictions');
    policies['cache-evictions'] = policy('cache-evictions', {
      conditionThreshold: {
        filter: cacheMetric('stats/evicted_keys', 'cluster/stats/total_evicted_keys_count'),
        aggregations: sum(rEvict),
        ...threshold(rEvict, rEvict.threshold),
      },
    });
    // hits / (hits + misses) < h  <=>  misses / hits > (1 - h) / h. A ratio of two counters, and an
    // idle cache (no hits) yields no data instead of a false alarm.
    const rHit = rule('cache-hit-ratio');
    const hit = rHit.threshold / 100;
    policies['cache-hit-ratio'] = policy('cache-hit-ratio', {
      conditionThreshold: {
        filter: cacheMetric('stats/keyspace_misses', 'cluster/stats/total_keyspace_misses_count'),
        aggregations: sum(rHit),
        denominatorFilter: cacheMetric('stats/keyspace_hits', 'cluster/stats/total_keyspace_hits_count'),
        denominatorAggregations: sum(rHit),
        ...threshold({ ...rHit, comparison: 'above' }, Number(((1 - hit) / hit).toFixed(4))),
      },
    });
    this.policies = policies as Record<AlarmSignal, MonitoringAlertPolicy>;
    if (props.rolesJob) this.rolesJobFailed = this.rolesJobPolicy(spec, props.rolesJob.failureLine, o.alertPolicy);
  }

  /** The roles job's failure line in its logs (the serial console also has it). */
  private rolesJobPolicy(
    spec: ResolvedSpec,
    failureLine: string,
    override: Override<MonitoringAlertPolicyConfig> | undefined,
  ): MonitoringAlertPolicy {
    const what = 'Database roles job failed: the app secret was not updated, apps keep their previous login';
    return new MonitoringAlertPolicy(
      this,
      'roles-job-failed',
      applyOverride<MonitoringAlertPolicyConfig>(
        {
          displayName: `${spec.names.base} roles-job-failed`,
          combiner: 'OR',
          severity: 'ERROR',
          notificationChannels: [...this.channelIds],
          documentation: {
            content: `${what}. Read its output (gcloud compute instances get-serial-port-output, or Cloud Logging), fix the cause, then start the VM again: the job runs at every boot (docs/gcp.md).`,
            mimeType: 'text/markdown',
            subject: `${spec.names.base}: ${what}`,
          },
          userLabels: { ...spec.tags },
          conditions: [
            {
              displayName: what,
              conditionMatchedLog: { filter: all('resource.type="gce_instance"', quote(failureLine)) },
            },
          ],
          // Log-match policies need a notification rate limit.
          alertStrategy: { autoClose: '1800s', notificationRateLimit: { period: '300s' } },
        },
        override,
      ),
    );
  }
}

/** The rule's evaluation window as an alignment period. */
function window(r: AlarmRule): string {
  return `${r.periodMinutes * 60}s`;
}

/** Comparison, value and trigger of a threshold condition; the window is in the aggregation. */
function threshold(
  r: AlarmRule,
  value: number,
  comparison?: string,
): Pick<MonitoringAlertPolicyConditionsConditionThreshold, 'comparison' | 'thresholdValue' | 'duration' | 'trigger'> {
  return {
    comparison: comparison ?? (r.comparison === 'above' ? 'COMPARISON_GT' : 'COMPARISON_LT'),
    thresholdValue: value,
    duration: '0s',
    trigger: { count: 1 },
  };
}

function severityOf(signal: AlarmSignal): string {
  switch (signal) {
    case 'lb-5xx-rate':
    case 'unhealthy-hosts':
    case 'db-storage':
      return 'CRITICAL';
    case 'lb-p99-latency':
    case 'db-cpu':
    case 'db-connections':
    case 'db-replica-lag':
    case 'cache-memory':
      return 'ERROR';
    default:
      return 'WARNING';
  }
}
