import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { auroraMaxConnections, GROUP_AT_MAX_EXPRESSION } from '../../../constructs/aws/monitoring';
import { ALARM_SIGNALS } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { AwsBlueprintStack, awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new AwsBlueprintStack(app, 'Test', { spec, env: { region: spec.regions.aws } });
  return { monitoring: stack.monitoring, template: Template.fromStack(stack) };
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
