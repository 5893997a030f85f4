import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bootCloudConfig } from '../../lib/boot';
import type { EnvContractName } from '../../lib/constants';
import { applyOverride, type Override } from '../../lib/override';
import { registryOf } from '../../lib/registry';
import type { ResolvedSpec } from '../../lib/resolve';
import { LITERAL_ZONE_RULE } from './network';
import { acknowledge, GUARD } from './policy';

/** Burstable families: Nitro, but without automatic encryption of traffic between instances. */
const BURSTABLE = /^t\d/;

/** Root volume size; the AMI needs ~2 GiB, the rest holds container images and logs. */
export const ROOT_VOLUME_GIB = 30;

/** Time a new instance gets to boot, pull the image and pass health checks. */
export const HEALTH_CHECK_GRACE = Duration.minutes(5);

/**
 * Same-size alternatives per instance type (same vCPU and memory, same CPU architecture). The
 * group asks for the spec's type first and falls back to these when a zone has no capacity;
 * Spot draws from all of them (more pools, fewer interruptions).
 */
export const INSTANCE_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  't3.medium': ['t3a.medium'],
  'm7i.large': ['m6i.large', 'm7a.large'],
  'm7i.xlarge': ['m6i.xlarge', 'm7a.xlarge'],
  'm7i.2xlarge': ['m6i.2xlarge', 'm7a.2xlarge'],
};

/** The instance types the group may launch, the spec's type first. */
export function instanceTypesFor(type: string): string[] {
  return [type, ...(INSTANCE_ALTERNATIVES[type] ?? [])];
}

/** Props of {@link AwsComputeGroup}. */
export interface AwsComputeGroupProps {
  /** The resolved spec: sizes, bounds, scaling, schedules, Spot split, port and app. */
  readonly spec: ResolvedSpec;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the instances. @default - the private subnets with egress */
  readonly subnets?: ec2.SubnetSelection;
  /** Target group the instances register with (it must belong to a listener for request scaling). */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The load balancer; the only source allowed to reach the app port. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * Environment of the app container: the environment contract (endpoints and secret
   * references, never secret values) plus anything else. spec.compute.app.env and AWS_REGION
   * are added here.
   */
  readonly environment: Readonly<Record<EnvContractName, string>> & Readonly<Record<string, string>>;
  /** Secrets the instances may read (GetSecretValue on exactly these). @default - none */
  readonly readableSecrets?: readonly secretsmanager.ISecret[];
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the launch template. @default - none */
    readonly launchTemplate?: Override<ec2.LaunchTemplateProps>;
    /** Props of the Auto Scaling group. @default - none */
    readonly autoScalingGroup?: Override<autoscaling.AutoScalingGroupProps>;
  };
}

/**
 * The app tier: an Auto Scaling group of Amazon Linux 2023 instances in the private subnets,
 * each running the app container through the shared boot script. Launch template with IMDSv2
 * required, an encrypted gp3 root volume and no public address; ELB health checks; instance
 * refresh when the launch template changes; target tracking on CPU (and requests per target
 * when set); scheduled windows; Spot through the mixed instances policy. No desired capacity:
 * a deploy never resets what the scaling policies decided.
 */
export class AwsComputeGroup extends Construct {
  /** The Auto Scaling group. */
  public readonly group: autoscaling.AutoScalingGroup;
  /** The launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** Security group of the instances. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Instance role. */
  public readonly role: iam.Role;
  /** CPU target-tracking policy. */
  public readonly cpuScaling: autoscaling.TargetTrackingScalingPolicy;
  /** Requests-per-target tracking policy, when targetRequestsPerInstance is set. */
  public readonly requestScaling?: autoscaling.TargetTrackingScalingPolicy;
  /** Scheduled actions, two per schedule (window start, window end). */
  public readonly scheduledActions: autoscaling.ScheduledAction[] = [];
  /** The boot document (cloud-config) given as user data. */
  public readonly userDataScript: string;
  /** The app image's ECR repository (pull granted to the role), when the image is in ECR. */
  public readonly imageRepository?: ecr.IRepository;

  constructor(scope: Construct, id: string, props: AwsComputeGroupProps) {
    super(scope, id);
    const { spec, vpc } = props;
    const compute = spec.compute;
    const instanceType = new ec2.InstanceType(compute.instanceType.aws.type);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${spec.names.base} app instances`,
      // Instances pull images, reach AWS APIs and call out through NAT.
      allowAllOutbound: true,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${spec.names.base} app instances: SSM access and read on the app's secrets`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(this.role, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]':
        'The AWS maintained policy for Session Manager and patching replaces SSH; AWS keeps its action list current.',
    });
    for (const secret of props.readableSecrets ?? []) secret.grantRead(this.role);

    // A private ECR image: pull on exactly that repository, and a login at boot with a 12-hour token
    // the instance role fetches (the AL2023 AMI ships the AWS CLI); no credential is in the user data.
    const registry = registryOf(compute.app.image);
    const registryLogin: string[] = [];
    if (registry.kind === 'ecr') {
      this.imageRepository = ecr.Repository.fromRepositoryAttributes(this, 'ImageRepository', {
        repositoryName: registry.repository,
        repositoryArn: Stack.of(this).formatArn({
          service: 'ecr',
          account: registry.account,
          region: registry.region,
          resource: 'repository',
          resourceName: registry.repository,
        }),
      });
      this.imageRepository.grantPull(this.role);
      acknowledge(this.role, {
        'AwsSolutions-IAM5[Resource::*]':
          'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires Resource "*"); it only issues a registry login token, and image pulls stay limited to the app repository ARN.',
      });
      registryLogin.push(
        `aws ecr get-login-password --region ${registry.region} | docker login --username AWS --password-stdin ${registry.host}`,
      );
    }

    // Amazon Linux 2023 boots through cloud-init, so the env file is written by cloud-init (0600), not a shell.
    this.userDataScript = bootCloudConfig({
      image: compute.app.image,
      port: compute.port,
      runtime: 'dnf',
      env: { ...compute.app.env, ...props.environment, AWS_REGION: spec.regions.aws },
      ...(registryLogin.length > 0 ? { registryLogin } : {}),
    });

    this.launchTemplate = new ec2.LaunchTemplate(
      this,
      'LaunchTemplate',
      applyOverride<ec2.LaunchTemplateProps>(
        {
          instanceType,
          // Resolved at deploy time from the public SSM parameter: every deploy picks the latest
          // AL2023, and a new AMI is a launch template change, which starts an instance refresh.
          // (MachineImage.latestAmazonLinux2023 pins the 6.1 kernel line; this is AL2023's default
          // kernel parameter, which AWS moves to each new kernel.)
          machineImage: new ec2.AmazonLinux2023ImageSsmParameter({
            kernel: ec2.AmazonLinux2023Kernel.DEFAULT,
            cachedInContext: false,
            cpuType:
              instanceType.architecture === ec2.InstanceArchitecture.ARM_64
                ? ec2.AmazonLinuxCpuType.ARM_64
                : ec2.AmazonLinuxCpuType.X86_64,
          }),
          userData: ec2.UserData.custom(this.userDataScript),
          role: this.role,
          securityGroup: this.securityGroup,
          associatePublicIpAddress: false,
          httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
          httpEndpoint: true,
          // 2 hops: the app runs in a container (docker bridge) and reads IMDS credentials from there.
          httpPutResponseHopLimit: 2,
          detailedMonitoring: true,
          blockDevices: [
            {
              deviceName: '/dev/xvda',
              volume: ec2.BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, {
                volumeType: ec2.EbsDeviceVolumeType.GP3,
                encrypted: true,
                deleteOnTermination: true,
              }),
            },
          ],
        },
        props.overrides?.launchTemplate,
      ),
    );

    const types = instanceTypesFor(compute.instanceType.aws.type);
    const spot = compute.spot;
    const useMixed = spot.percent > 0 || types.length > 1;
    const fleet: Pick<autoscaling.AutoScalingGroupProps, 'launchTemplate' | 'mixedInstancesPolicy'> = useMixed
      ? {
          mixedInstancesPolicy: {
            launchTemplate: this.launchTemplate,
            launchTemplateOverrides: types.map((t) => ({ instanceType: new ec2.InstanceType(t) })),
            instancesDistribution: {
              // On-demand in the listed order: the spec's type, then the fallbacks.
              onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
              onDemandBaseCapacity: spot.percent > 0 ? spot.onDemand.min : 0,
              onDemandPercentageAboveBaseCapacity: 100 - spot.percent,
              spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
            },
          },
        }
      : { launchTemplate: this.launchTemplate };

    this.group = new autoscaling.AutoScalingGroup(
      this,
      'Group',
      applyOverride<autoscaling.AutoScalingGroupProps>(
        {
          vpc,
          vpcSubnets: props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          ...fleet,
          minCapacity: compute.minInstances,
          maxCapacity: compute.maxInstances,
          healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
            additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
            gracePeriod: HEALTH_CHECK_GRACE,
          }),
          defaultInstanceWarmup: Duration.minutes(3),
          cooldown: Duration.minutes(5),
          capacityRebalance: spot.percent > 0,
          groupMetrics: [autoscaling.GroupMetrics.all()],
          // CloudFormation runs an EC2 instance refresh whenever the launch template (or the
          // mixed instances policy) changes: new instances come up healthy before old ones go.
          updatePolicy: autoscaling.UpdatePolicy.instanceRefresh({
            strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: Duration.minutes(3),
            skipMatching: true,
          }),
        },
        props.overrides?.autoScalingGroup,
      ),
    );
    // The subnets' zones, also named on the group: Control Tower (CT.AUTOSCALING.PR.1) reads
    // AvailabilityZones, and CloudFormation accepts both when they agree.
    const zones = vpc.selectSubnets(
      props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ).availabilityZones;
    if (zones.length > 1 && !zones.some((z) => Token.isUnresolved(z))) {
      (this.group.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = zones;
      acknowledge(this.group, {
        [LITERAL_ZONE_RULE]: `The group names the literal zones of its subnets (${zones.join(', ')}) because Control Tower CT.AUTOSCALING.PR.1 reads AvailabilityZones; they are the VPC's zones, so they always agree with VPCZoneIdentifier.`,
      });
    }
    acknowledge(this.launchTemplate, {
      [`${GUARD}ec2_launch_template_token_hop_limit_check`]:
        'Hop limit 2: the app runs in a container on the docker bridge network, one hop further from IMDS; with 1 it cannot read the instance role credentials it needs for the secrets.',
    });
    if (useMixed) {
      acknowledge(this.group, {
        'AwsSolutions-EC26':
          'The rule only follows a LaunchTemplate property and throws on a MixedInstancesPolicy; the root volume is encrypted in ComputeGroup/LaunchTemplate (asserted in test/constructs/aws/compute-group.test.ts).',
      });
    }
    if (types.some((t) => BURSTABLE.test(t))) {
      acknowledge(this.group, {
        [`${GUARD}autoscaling_group_nitro_encryption_in_transit_override_check`]: `The ${compute.size} size uses burstable ${types.join('/')} instances (Nitro, but without automatic instance-to-instance encryption); the app's own traffic is TLS (load balancer listener, cache and database), choose size medium or larger for that encryption.`,
      });
    }
    if (!useMixed) {
      acknowledge(this.group, {
        [`${GUARD}autoscaling_mixed_instances_policy_multiple_instance_types_check`]: `The spec names one explicit instance type (${compute.instanceType.aws.type}) with no same-size alternative known to this library.`,
      });
    }

    this.group.attachToApplicationTargetGroup(props.targetGroup);
    this.group.connections.allowFrom(props.loadBalancer, ec2.Port.tcp(compute.port), 'app port from the load balancer');

    this.cpuScaling = this.group.scaleOnCpuUtilization('CpuTarget', {
      targetUtilizationPercent: compute.targetCpuPercent,
    });
    if (compute.targetRequestsPerInstance !== undefined) {
      // The spec counts requests per second; ALBRequestCountPerTarget is a per-minute sum.
      this.requestScaling = this.group.scaleOnRequestCount('RequestsTarget', {
        targetRequestsPerMinute: compute.targetRequestsPerInstance * 60,
      });
    }
    for (const schedule of compute.schedules) {
      this.scheduledActions.push(
        this.group.scaleOnSchedule(`Schedule-${schedule.name}-start`, {
          schedule: autoscaling.Schedule.expression(schedule.start.cron),
          timeZone: schedule.timezone,
          minCapacity: schedule.minInstances,
          maxCapacity: schedule.maxInstances,
        }),
        this.group.scaleOnSchedule(`Schedule-${schedule.name}-end`, {
          schedule: autoscaling.Schedule.expression(schedule.end.cron),
          timeZone: schedule.timezone,
          minCapacity: compute.minInstances,
          maxCapacity: compute.maxInstances,
        }),
      );
    }
  }
}
