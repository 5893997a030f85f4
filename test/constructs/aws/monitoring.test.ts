import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  auroraMaxConnections,
  auroraServerlessMaxConnections,
  GROUP_AT_MAX_EXPRESSION,
  SERVERLESS_CPU_EXPRESSION,
} from '../../../constructs/aws/monitoring';
import { ALARM_SIGNALS } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { AwsBlueprintStack, awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

const built = new Map<string, { monitoring: AwsBlueprintStack['monitoring']; template: Template }>();

/** The stack of a spec, built once per spec in this file: the tests only read it. */
function build(spec: ResolvedSpec) {
  const key = JSON.stringify(spec);
  let result = built.get(key);
  if (!result) {
    const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
    const stack = new AwsBlueprintStack(app, 'Test', { spec, env: { region: spec.regions.aws } });
    result = { monitoring: stack.monitoring, template: Template.fromStack(stack) };
    built.set(key, result);
  }
  return result;
}

describe('AwsMonitoring', () => {
  test('GIVEN prod WHEN built THEN every neutral alarm signal has at least one CloudWatch alarm', () => {
    const { monitoring } = build(resolved('prod'));
    const signals = new Set(monitoring.alarms.map((a) => a.signal));
    expect([...signals].sort()).toEqual([...ALARM_SIGNALS].sort());
  });

  test('GIVEN any alarm WHEN built THEN it notifies the topic on ALARM and OK', () => {
    const { template } = build(resolved('prod'));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringTopic/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringTopic/) }]);
    }
  });

  test('GIVEN the topic WHEN built THEN it is KMS-encrypted, TLS-only and mails the spec address', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('GIVEN the 5xx rule WHEN built THEN the alarm is a rate over ELB and target 5xx per request', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
        }),
      ]),
    });
  });

  test('GIVEN a schedule window that lowers the maximum WHEN built THEN group-at-max compares in-service with the GroupMaxSize in force over 15 minutes, not with maxInstances', () => {
    const spec = resolved('prod', {
      compute: {
        maxInstances: 12,
        scaling: {
          schedules: [{ name: 'night', cron: '0 22 * * *', durationMinutes: 480, minInstances: 1, maxInstances: 3 }],
        },
      },
    });
    const { template } = build(spec);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties.Metrics ?? a.Properties.MetricName).includes('GroupInServiceInstances'),
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]?.Properties;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm?.MetricName).toBeUndefined();
    const metrics = alarm?.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Stat: string; Period: number; Metric: { MetricName: string } };
    }>;
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(GROUP_AT_MAX_EXPRESSION);
    const stats = Object.fromEntries(
      metrics
        .filter((m) => m.MetricStat)
        .map((m) => [m.MetricStat?.Metric.MetricName, [m.MetricStat?.Stat, m.MetricStat?.Period]]),
    );
    expect(stats).toEqual({ GroupInServiceInstances: ['Minimum', 900], GroupMaxSize: ['Maximum', 900] });
    // The group publishes GroupMaxSize: metrics collection is on for every group metric.
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  test('GIVEN readers WHEN built THEN replica lag alarms at 30 s (in ms); without readers there is none', () => {
    build(resolved('prod')).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraReplicaLagMaximum',
      Threshold: 30000,
    });
    const dev = build(resolved('dev')).template;
    expect(JSON.stringify(dev.findResources('AWS::CloudWatch::Alarm'))).not.toContain('AuroraReplicaLag');
  });

  test('GIVEN 3 database shards WHEN built THEN each shard has its own CPU alarm', () => {
    const { template } = build(resolved('prod', { database: { shards: 3 } }));
    const cpu = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'CPUUtilization',
    );
    expect(cpu).toHaveLength(3);
    expect(auroraMaxConnections(16)).toBe(1802);
  });

  test.each([
    [{ min: 1, max: 1 }, 189],
    [{ min: 1, max: 4 }, 823],
    [{ min: 1, max: 16 }, 3360],
    [{ min: 1, max: 64 }, 5000],
    [{ min: 0.5, max: 16 }, 2000],
    [{ min: 0.5, max: 2 }, 400],
  ])(
    'GIVEN Serverless v2 capacity %o WHEN max_connections is derived THEN it is %d (AWS table, interpolated; 2,000 cap at a 0.5 minimum)',
    (capacity, expected) => {
      expect(auroraServerlessMaxConnections(capacity)).toBe(expected);
    },
  );

  test('GIVEN the dev preset (Aurora Serverless v2, 0.5-2 ACU) WHEN built THEN connections alarm at 80% of the 2 ACU max_connections and db-cpu on CPU or ACU utilisation', () => {
    const { template } = build(resolved('dev'));
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    const [, connections] = alarms.find(([id]) => id.startsWith('MonitoringDatabaseConnections')) ?? [];
    expect(connections?.Properties).toMatchObject({ MetricName: 'DatabaseConnections', Threshold: 320 });
    expect(connections?.Properties.AlarmDescription).toContain('max_connections ~400');
    const [, cpu] = alarms.find(([id]) => id.startsWith('MonitoringDatabaseCpu')) ?? [];
    const metrics = cpu?.Properties.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }>;
    expect(cpu?.Properties).toMatchObject({ Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(SERVERLESS_CPU_EXPRESSION);
    expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
      'ACUUtilization',
      'CPUUtilization',
    ]);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain(
      'ServerlessDatabaseCapacity',
    );
  });

  test('GIVEN the prod preset (provisioned) WHEN built THEN db-cpu reads CPUUtilization alone and the dashboard has no ACU graph', () => {
    const { template } = build(resolved('prod'));
    const [, cpu] =
      Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([id]) =>
        id.startsWith('MonitoringDatabaseCpu'),
      ) ?? [];
    expect(cpu?.Properties).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 80 });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).not.toContain(
      'ServerlessDatabaseCapacity',
    );
  });

  test('GIVEN a clustered cache WHEN built THEN cache alarms exist per shard over that shard nodes', () => {
    const { template } = build(resolved('prod', { cache: { shards: 2, replicasPerShard: 1 } }));
    const memory = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties.Metrics ?? []).includes('DatabaseMemoryUsagePercentage'),
    );
    expect(memory).toHaveLength(2);
    expect(JSON.stringify(memory[1]?.Properties.Metrics)).toContain('shop-api-prd-redis-0002-002');
  });

  test('GIVEN scaling events WHEN built THEN an EventBridge rule sends the group events to the topic, and one dashboard exists', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.autoscaling'] }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^MonitoringTopic') } })],
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-api-prd' });
  });
});
