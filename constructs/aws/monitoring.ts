import { Duration } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { type AlarmRule, alarmRule, alarmRules } from '../../lib/alarms';
import { defaultMaxConnections } from '../../lib/assumptions';
import type { AlarmSignal } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { CapacityUnits } from '../../lib/sizes';
import type { AwsCache } from './cache';
import type { AwsDatabase } from './database';
import { acknowledge } from './policy';

/**
 * Aurora PostgreSQL's default max_connections for this memory.
 * @deprecated use `defaultMaxConnections('aws', memoryGiB)` from the core; kept for the package's callers.
 */
export const auroraMaxConnections = (memoryGiB: number): number => defaultMaxConnections('aws', memoryGiB);

/**
 * AWS's table of the default max_connections of Aurora PostgreSQL Serverless v2 by maximum
 * capacity ("Maximum connections for Aurora Serverless v2", Aurora User Guide, Performance and
 * scaling for Aurora Serverless v2): [max ACU, connections]; 5,000 from 32 ACU up.
 */
export const SERVERLESS_MAX_CONNECTIONS: ReadonlyArray<readonly [number, number]> = [
  [1, 189],
  [4, 823],
  [8, 1669],
  [16, 3360],
  [32, 5000],
];

/** With a minimum of 0.5 ACU (or 0), AWS caps Serverless v2 PostgreSQL max_connections here. */
export const SERVERLESS_LOW_MIN_CONNECTION_CAP = 2000;

/**
 * max_connections of a Serverless v2 instance: it is fixed from the memory at the maximum
 * capacity, not the current one. Between the table's rows (which lie on one line, about 211
 * connections per ACU) it is interpolated; 2 ACU gives 400.
 */
export function auroraServerlessMaxConnections(capacity: CapacityUnits): number {
  const rows = SERVERLESS_MAX_CONNECTIONS;
  const at = Math.min(Math.max(capacity.max, rows[0]?.[0] ?? 1), rows.at(-1)?.[0] ?? 32);
  const upper = Math.max(
    1,
    rows.findIndex(([acu]) => acu >= at),
  );
  const [a0, c0] = rows[upper - 1] as readonly [number, number];
  const [a1, c1] = rows[upper] as readonly [number, number];
  const value = Math.floor(c0 + ((at - a0) * (c1 - c0)) / (a1 - a0));
  return capacity.min <= 0.5 ? Math.min(value, SERVERLESS_LOW_MIN_CONNECTION_CAP) : value;
}

/** Serverless v2 db-cpu: the higher of CPU and capacity in use, both as a share of the maximum capacity. */
export const SERVERLESS_CPU_EXPRESSION = 'MAX([cpu, acu])';

/** Aurora local (temporary) storage is about twice the instance memory. */
export function auroraLocalStorageBytes(memoryGiB: number): number {
  return 2 * memoryGiB * 2 ** 30;
}

/** 1 when the group runs at the maximum in force (GroupMaxSize), else 0. */
export const GROUP_AT_MAX_EXPRESSION = 'IF(inService >= maxSize, 1, 0)';

/** One alarm the monitoring created, with the neutral signal it implements. */
export interface AwsAlarm {
  readonly signal: AlarmSignal;
  readonly alarm: cloudwatch.Alarm;
}

/** Props of {@link AwsMonitoring}. */
export interface AwsMonitoringProps {
  /** The resolved spec: alert email, bounds, sizes. */
  readonly spec: ResolvedSpec;
  /** The load balancer. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Its target group. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The Auto Scaling group. */
  readonly group: autoscaling.AutoScalingGroup;
  /** The database shards. */
  readonly databases: readonly AwsDatabase[];
  /** The cache. */
  readonly cache: AwsCache;
  /**
   * Bring your own alarm topic (e.g. the team's on-call topic): every alarm and the scaling events
   * go to it; no topic or email subscription is created. It must let CloudWatch and EventBridge
   * publish (and use its key). @default - a new KMS-encrypted, TLS-only topic mailing alerts.email
   */
  readonly topic?: sns.ITopic;
  /** Key that encrypts the topic (its policy must let CloudWatch and EventBridge use it). */
  readonly key: kms.IKey;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the alarm topic. @default - none */
    readonly topic?: Override<sns.TopicProps>;
  };
}

/**
 * Alarms for every neutral alarm rule (lib/alarms.ts) with the rule's threshold, period and
 * description, all notifying an encrypted, TLS-only SNS topic with the spec's email; scaling
 * events (launch/terminate, failures) reach the same topic through EventBridge; one dashboard.
 * Database alarms exist per shard, cache alarms per shard of a clustered cache.
 */
export class AwsMonitoring extends Construct {
  /** The alarm topic (created or brought). */
  public readonly topic: sns.ITopic;
  /** Every alarm, with the signal it implements. */
  public readonly alarms: AwsAlarm[] = [];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** EventBridge rule forwarding scaling events to the topic. */
  public readonly scalingEvents: events.Rule;

  private readonly rules: readonly AlarmRule[];
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AwsMonitoringProps) {
    super(scope, id);
    const { spec } = props;
    this.rules = alarmRules(spec.compute.maxInstances);

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const topic = new sns.Topic(
        this,
        'Topic',
        applyOverride<sns.TopicProps>(
          { displayName: `${spec.names.base} alarms`, masterKey: props.key, enforceSSL: true },
          props.overrides?.topic,
        ),
      );
      topic.addSubscription(new subscriptions.EmailSubscription(spec.alerts.email));
      this.topic = topic;
    }
    this.action = new actions.SnsAction(this.topic);

    // Scaling notifications through EventBridge: ASG notifications to a KMS-encrypted topic
    // need the Auto Scaling service-linked role in the key policy, which fails on accounts
    // where that role does not exist yet.
    this.scalingEvents = new events.Rule(this, 'ScalingEvents', {
      description: `${spec.names.base}: instance launches, terminations and their failures`,
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: [
          'EC2 Instance Launch Successful',
          'EC2 Instance Launch Unsuccessful',
          'EC2 Instance Terminate Successful',
          'EC2 Instance Terminate Unsuccessful',
        ],
        detail: { AutoScalingGroupName: [props.group.autoScalingGroupName] },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });
    acknowledge(props.group, {
      'AwsSolutions-AS3':
        'Scaling events reach the alarm topic through the EventBridge rule Monitoring/ScalingEvents: Auto Scaling notifications to a KMS-encrypted topic need the service-linked role named in the key policy, which fails on accounts without that role.',
    });

    this.loadBalancerAlarms(props);
    this.groupAlarm(props.group);
    for (const db of props.databases) this.databaseAlarms(spec, db);
    this.cacheAlarms(props.cache);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: spec.names.of('awsDashboard'),
      defaultInterval: Duration.hours(6),
    });
    this.buildDashboard(props);
  }

  private add(
    id: string,
    signal: AlarmSignal,
    metric: cloudwatch.IMetric,
    options: { threshold?: number; treatMissingData?: cloudwatch.TreatMissingData; subject?: string } = {},
  ): cloudwatch.Alarm {
    const rule = alarmRule(this.rules, signal);
    // "At least" for counts (one unhealthy host, the group at its maximum); "more than" otherwise.
    const atLeast = rule.unit === 'count' || rule.unit === 'instances';
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold ?? rule.threshold,
      evaluationPeriods: 1,
      comparisonOperator:
        rule.comparison === 'below'
          ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
          : atLeast
            ? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.subject ? `${rule.description} (${options.subject})` : rule.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push({ signal, alarm });
    return alarm;
  }

  private period(signal: AlarmSignal): Duration {
    return Duration.minutes(alarmRule(this.rules, signal).periodMinutes);
  }

  private loadBalancerAlarms(props: AwsMonitoringProps): void {
    const lb = props.loadBalancer.metrics;
    const period = this.period('lb-5xx-rate');
    const rate = new cloudwatch.MathExpression({
      label: '5xx % of requests',
      expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
      usingMetrics: {
        requests: lb.requestCount({ period, statistic: 'Sum' }),
        elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
        target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
      },
      period,
    });
    this.add('Lb5xxRate', 'lb-5xx-rate', rate);
    this.add(
      'LbP99Latency',
      'lb-p99-latency',
      props.targetGroup.metrics.targetResponseTime({ statistic: 'p99', period: this.period('lb-p99-latency') }),
    );
    this.add(
      'UnhealthyHosts',
      'unhealthy-hosts',
      props.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period: this.period('unhealthy-hosts') }),
    );
  }

  private groupAlarm(group: autoscaling.AutoScalingGroup): void {
    // Against the group's own GroupMaxSize metric (group metrics are on), not the spec's
    // maxInstances: a schedule window that lowers the maximum would make that unreachable.
    // Minimum in service and maximum of the cap over the window: at the cap the whole time.
    const period = this.period('group-at-max');
    const groupMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AutoScaling',
        metricName,
        dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
        statistic,
        period,
      });
    const atMax = new cloudwatch.MathExpression({
      label: 'in service at the maximum in force (1 = yes)',
      expression: GROUP_AT_MAX_EXPRESSION,
      usingMetrics: {
        inService: groupMetric('GroupInServiceInstances', 'Minimum'),
        maxSize: groupMetric('GroupMaxSize', 'Maximum'),
      },
      period,
    });
    this.add('GroupAtMax', 'group-at-max', atMax, {
      threshold: 1,
      subject: 'GroupInServiceInstances >= GroupMaxSize: the maximum in force, scheduled windows included',
    });
  }

  private databaseAlarms(spec: ResolvedSpec, db: AwsDatabase): void {
    const cluster = db.cluster;
    const subject = db.clusterIdentifier;
    const id = (name: string) => `${db.node.id}${name}`;
    // Serverless: the memory at the maximum capacity (about 2 GiB per ACU), as the size table has it.
    const memory = spec.database.instanceType.aws.memoryGiB;
    const rds = (metricName: string, statistic: string, signal: AlarmSignal) =>
      cluster.metric(metricName, { statistic, period: this.period(signal) });
    this.cpuAlarm(db);
    // Storage: Aurora grows its volume by itself; the alarm fires at 85% of the storage the
    // spec budgets (storageGiB), and on the instances' local storage (sorts, temp tables).
    this.add(id('Storage'), 'db-storage', rds('VolumeBytesUsed', 'Maximum', 'db-storage'), {
      threshold: (spec.database.storageGiB * 2 ** 30 * alarmRule(this.rules, 'db-storage').threshold) / 100,
      subject: `${subject}, volume vs storageGiB ${spec.database.storageGiB}`,
    });
    const local = auroraLocalStorageBytes(memory);
    const used = alarmRule(this.rules, 'db-storage').threshold / 100;
    const free = new cloudwatch.Alarm(this, id('LocalStorage'), {
      metric: rds('FreeLocalStorage', 'Minimum', 'db-storage'),
      threshold: Math.round(local * (1 - used)),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${alarmRule(this.rules, 'db-storage').description} (${subject}, local storage)`,
    });
    free.addAlarmAction(this.action);
    free.addOkAction(this.action);
    this.alarms.push({ signal: 'db-storage', alarm: free });
    const capacity = db.capacityUnits;
    const max = capacity ? auroraServerlessMaxConnections(capacity) : defaultMaxConnections('aws', memory);
    this.add(id('Connections'), 'db-connections', rds('DatabaseConnections', 'Maximum', 'db-connections'), {
      threshold: Math.floor((max * alarmRule(this.rules, 'db-connections').threshold) / 100),
      subject: `${subject}, max_connections ~${max}${capacity ? ` (Serverless v2 at its ${capacity.max} ACU maximum)` : ''}`,
    });
    if (db.readers > 0) {
      // AuroraReplicaLagMaximum is in milliseconds.
      this.add(id('ReplicaLag'), 'db-replica-lag', rds('AuroraReplicaLagMaximum', 'Maximum', 'db-replica-lag'), {
        threshold: alarmRule(this.rules, 'db-replica-lag').threshold * 1000,
        subject,
      });
    }
  }

  /**
   * db-cpu. On Serverless v2, CPUUtilization is a share of the CPU at the maximum capacity, and
   * ACUUtilization the capacity in use as a share of the maximum, which AWS says to watch (near
   * 100 the instance cannot scale further: raise the maximum or add readers): the alarm takes
   * whichever is higher, so memory-driven scaling to the maximum fires it too.
   */
  private cpuAlarm(db: AwsDatabase): void {
    const period = this.period('db-cpu');
    const cpu = db.cluster.metric('CPUUtilization', { statistic: 'Maximum', period });
    if (!db.capacityUnits) {
      this.add(`${db.node.id}Cpu`, 'db-cpu', cpu, { subject: db.clusterIdentifier });
      return;
    }
    const capacity = new cloudwatch.MathExpression({
      label: 'CPU or capacity, % of the maximum (the higher)',
      expression: SERVERLESS_CPU_EXPRESSION,
      usingMetrics: { cpu, acu: db.cluster.metric('ACUUtilization', { statistic: 'Maximum', period }) },
      period,
    });
    this.add(`${db.node.id}Cpu`, 'db-cpu', capacity, {
      subject: `${db.clusterIdentifier}, CPUUtilization or ACUUtilization of the ${db.capacityUnits.max} ACU maximum`,
    });
  }

  private cacheAlarms(cache: AwsCache): void {
    // ElastiCache publishes per node; one expression per shard over its nodes (<= 6 metrics).
    cache.nodeIds.forEach((nodes, shard) => {
      const suffix = cache.nodeIds.length > 1 ? `Shard${shard + 1}` : '';
      const subject = cache.nodeIds.length > 1 ? `${cache.groupId} shard ${shard + 1}` : cache.groupId;
      const over = (metricName: string, statistic: string, fn: 'MAX' | 'SUM', signal: AlarmSignal) => {
        const period = this.period(signal);
        const usingMetrics = Object.fromEntries(
          nodes.map((node, i) => [
            `n${i}`,
            new cloudwatch.Metric({
              namespace: 'AWS/ElastiCache',
              metricName,
              dimensionsMap: { CacheClusterId: node },
              statistic,
              period,
            }),
          ]),
        );
        return new cloudwatch.MathExpression({
          label: `${metricName} (${fn.toLowerCase()} over nodes)`,
          expression: `${fn}([${Object.keys(usingMetrics).join(', ')}])`,
          usingMetrics,
          period,
        });
      };
      this.add(
        `CacheMemory${suffix}`,
        'cache-memory',
        over('DatabaseMemoryUsagePercentage', 'Maximum', 'MAX', 'cache-memory'),
        {
          subject,
        },
      );
      this.add(`CacheEvictions${suffix}`, 'cache-evictions', over('Evictions', 'Sum', 'SUM', 'cache-evictions'), {
        subject,
      });
      // The node serving reads (the primary) has the highest hit rate; idle replicas report none.
      this.add(`CacheHitRatio${suffix}`, 'cache-hit-ratio', over('CacheHitRate', 'Average', 'MAX', 'cache-hit-ratio'), {
        subject,
      });
    });
  }

  private buildDashboard(props: AwsMonitoringProps): void {
    const lb = props.loadBalancer.metrics;
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarms.map((a) => a.alarm),
        width: 24,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests and errors',
        left: [lb.requestCount()],
        right: [
          lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
          lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency (p50, p99)',
        left: [
          props.targetGroup.metrics.targetResponseTime({ statistic: 'p50' }),
          props.targetGroup.metrics.targetResponseTime({ statistic: 'p99' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Instances',
        left: [
          new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupInServiceInstances',
            dimensionsMap: { AutoScalingGroupName: props.group.autoScalingGroupName },
          }),
          props.targetGroup.metrics.healthyHostCount(),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Database CPU',
        left: props.databases.map((db) => db.cluster.metricCPUUtilization({ label: db.clusterIdentifier })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Database connections',
        left: props.databases.map((db) => db.cluster.metricDatabaseConnections({ label: db.clusterIdentifier })),
        width: 12,
      }),
    );
    const serverless = props.databases.filter((db) => db.capacityUnits);
    if (serverless.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Database capacity (ACU, Aurora Serverless v2)',
          left: serverless.map((db) =>
            db.cluster.metricServerlessDatabaseCapacity({ label: db.clusterIdentifier, statistic: 'Maximum' }),
          ),
          width: 24,
        }),
      );
    }
  }
}
