import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsComputeGroup, instanceTypesFor } from '../../../constructs/aws/compute-group';
import { AwsLoadBalancer } from '../../../constructs/aws/load-balancer';
import { AwsNetwork } from '../../../constructs/aws/network';
import { ENV_CONTRACT } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

const CONTRACT = {
  DATABASE_WRITER_HOST: 'writer.example.internal',
  DATABASE_READER_HOSTS: 'reader.example.internal',
  DATABASE_SECRET: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db',
  DATABASE_SHARD_MAP: '[]',
  CACHE_HOST: 'cache.example.internal',
  CACHE_PORT: '6379',
  CACHE_SECRET: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:cache',
};

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec });
  const lb = new AwsLoadBalancer(stack, 'LoadBalancer', { spec, vpc });
  const secret = new secretsmanager.Secret(stack, 'DbSecret');
  const group = new AwsComputeGroup(stack, 'ComputeGroup', {
    spec,
    vpc,
    targetGroup: lb.targetGroup,
    loadBalancer: lb.loadBalancer,
    environment: CONTRACT,
    readableSecrets: [secret],
  });
  return { group, template: Template.fromStack(stack) };
}

const asg = (template: Template) => {
  const [resource] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
  if (!resource) throw new Error('no ASG');
  return resource;
};

describe('AwsComputeGroup', () => {
  test('GIVEN any spec WHEN built THEN the launch template requires IMDSv2, encrypts a gp3 root and has no public IP', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'm7i.large',
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 30, DeleteOnTermination: true },
          },
        ],
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: 0 })],
        Monitoring: { Enabled: true },
        ImageId: { Ref: Match.stringLikeRegexp('al2023') },
      }),
    });
  });

  test('GIVEN bounds WHEN built THEN the group never sets a desired capacity and uses ELB health checks', () => {
    const { template } = build(resolved('prod', { compute: { minInstances: 3, maxInstances: 12 } }));
    const group = asg(template);
    expect(group.Properties.DesiredCapacity).toBeUndefined();
    expect(group.Properties).toMatchObject({
      MinSize: '3',
      MaxSize: '12',
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    expect(group.Properties.VPCZoneIdentifier).toHaveLength(3);
    expect(group.Properties.MetricsCollection).toEqual([{ Granularity: '1Minute' }]);
  });

  test('GIVEN a template change WHEN deployed THEN CloudFormation runs an instance refresh that keeps 100% healthy', () => {
    const { template } = build(resolved('prod'));
    expect(asg(template).UpdatePolicy).toEqual({
      AutoScalingInstanceRefresh: {
        Strategy: 'Rolling',
        Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: true, InstanceWarmup: 180 },
      },
      // A deploy never resets the bounds a running scheduled action has set.
      AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
    });
  });

  test('GIVEN spotPercent 25 WHEN built THEN a mixed instances policy keeps the on-demand base and rebalances', () => {
    const spec = resolved('prod', { compute: { minInstances: 4, maxInstances: 12, spotPercent: 25 } });
    const { template } = build(spec);
    const group = asg(template);
    expect(group.Properties.CapacityRebalance).toBe(true);
    expect(group.Properties.MixedInstancesPolicy.InstancesDistribution).toEqual({
      OnDemandAllocationStrategy: 'prioritized',
      OnDemandBaseCapacity: spec.compute.spot.onDemand.min,
      OnDemandPercentageAboveBaseCapacity: 75,
      SpotAllocationStrategy: 'price-capacity-optimized',
    });
    expect(group.Properties.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual(
      instanceTypesFor('m7i.large').map((t) => ({ InstanceType: t })),
    );
  });

  test('GIVEN spotPercent 0 WHEN built THEN every instance is on-demand, the spec type first', () => {
    const { template } = build(resolved('prod', { compute: { spotPercent: 0 } }));
    const group = asg(template);
    expect(group.Properties.CapacityRebalance).toBe(false);
    expect(group.Properties.MixedInstancesPolicy.InstancesDistribution).toMatchObject({
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 100,
    });
    expect(group.Properties.MixedInstancesPolicy.LaunchTemplate.Overrides[0]).toEqual({ InstanceType: 'm7i.large' });
  });

  test('GIVEN an explicit type without alternatives WHEN built THEN the group uses the launch template directly', () => {
    const { template } = build(
      resolved('prod', { compute: { size: { aws: 'c7g.large', gcp: 'n2-standard-2', azure: 'Standard_D2s_v5' } } }),
    );
    const group = asg(template);
    expect(group.Properties.MixedInstancesPolicy).toBeUndefined();
    expect(group.Properties.LaunchTemplate).toBeDefined();
    // Graviton type: the arm64 AL2023 parameter.
    template.hasParameter('*', { Default: Match.stringLikeRegexp('al2023-ami-kernel-default-arm64') });
  });

  test('GIVEN targets WHEN built THEN target tracking follows CPU and, when set, requests per target per minute', () => {
    const { template } = build(
      resolved('prod', { compute: { scaling: { targetCpuPercent: 55, targetRequestsPerInstance: 400 } } }),
    );
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: 55,
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 24000,
      }),
    });
  });

  test('GIVEN no request target WHEN built THEN only the CPU policy exists', () => {
    const { template } = build(resolved('prod'));
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 1);
  });

  test('GIVEN a schedule WHEN built THEN the window start sets its bounds and the end restores the base bounds', () => {
    const spec = resolved('prod', {
      compute: {
        minInstances: 2,
        maxInstances: 10,
        scaling: {
          schedules: [
            {
              name: 'nights',
              cron: '0 20 * * 1-5',
              durationMinutes: 600,
              timezone: 'Europe/Berlin',
              minInstances: 1,
              maxInstances: 4,
            },
          ],
        },
      },
    });
    const { template } = build(spec);
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 2);
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 20 * * 1,2,3,4,5',
      TimeZone: 'Europe/Berlin',
      MinSize: 1,
      MaxSize: 4,
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 6 * * 2,3,4,5,6',
      MinSize: 2,
      MaxSize: 10,
    });
    for (const action of Object.values(template.findResources('AWS::AutoScaling::ScheduledAction'))) {
      expect(action.Properties.DesiredCapacity).toBeUndefined();
    }
  });

  test('GIVEN the contract WHEN built THEN user data runs the image with every contract name and no secret value', () => {
    const { group } = build(resolved('prod', { compute: { app: { env: { LOG_LEVEL: 'debug' } } } }));
    const script = group.userDataScript;
    expect(script).toContain("docker pull 'ghcr.io/acme/shop-api:1.4.2'");
    expect(script).toContain('dnf install -y docker');
    for (const name of ENV_CONTRACT) expect(script).toContain(`${name}=`);
    expect(script).toContain('AWS_REGION=us-east-1');
    expect(script).toContain('LOG_LEVEL=debug');
    expect(script).not.toMatch(/resolve:secretsmanager/);
  });

  test('GIVEN readable secrets WHEN built THEN the role reads exactly those and has SSM core', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
      ],
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(read.Resource).toEqual({ Ref: expect.stringMatching(/^DbSecret/) });
    expect(JSON.stringify(statements)).not.toContain('"Resource":"*"');
  });

  describe('GIVEN an image in a private ECR repository', () => {
    const image = '210987654321.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.0.1';
    const { group, template } = build(resolved('prod', { compute: { app: { image } } }));
    const statements = () =>
      Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);

    test('WHEN built THEN the start script logs in with a token fetched at boot, after the install and before the pull', () => {
      const login =
        'aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 210987654321.dkr.ecr.eu-west-1.amazonaws.com';
      const script = group.userDataScript;
      expect(script).toContain(login);
      expect(script.indexOf('systemctl enable --now docker')).toBeLessThan(script.indexOf(login));
      expect(script.indexOf(login)).toBeLessThan(script.indexOf(`docker pull '${image}'`));
      expect(script).not.toMatch(/--password[= ](?!-stdin)/);
    });

    test('WHEN built THEN the role pulls from exactly that repository, and only the login token action is on "*"', () => {
      const pull = statements().find((s) => [s.Action].flat().includes('ecr:BatchGetImage'));
      expect([pull.Action].flat().sort()).toEqual([
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
      ]);
      expect(pull.Resource).toBe('arn:aws:ecr:eu-west-1:210987654321:repository/payments/api');
      const wildcard = statements().filter((s) => s.Resource === '*');
      expect(wildcard).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
      expect(group.imageRepository?.repositoryName).toBe('payments/api');
    });
  });

  test('GIVEN a public image WHEN built THEN no registry login and no ECR permission', () => {
    const { group, template } = build(resolved('prod'));
    expect(group.userDataScript).not.toMatch(/docker login|aws ecr/);
    expect(group.imageRepository).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ecr:');
  });

  test('GIVEN the load balancer WHEN built THEN only it may reach the app port', () => {
    const { template } = build(resolved('prod', { compute: { port: 8080 } }));
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancerSecurityGroup'), 'GroupId'] },
    });
  });
});
