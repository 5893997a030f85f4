import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SubnetPlan } from '../../lib/network-plan';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/** Subnet group names; they are part of the subnets' logical ids, so they never change. */
export const SUBNET_GROUPS = { public: 'Public', private: 'Private', isolated: 'Isolated' } as const;

/** How long log groups keep data (Control Tower CT.CLOUDWATCH.PR.2 asks for at least a year). */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/** Zone names derived from the region, so a stack without an account still gets fixed zones. */
export function zoneNames(region: string, zones: number): string[] {
  return Array.from({ length: zones }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}

/**
 * Hands the VPC the subnet CIDRs of the lib address plan instead of letting CDK pack them,
 * so the plan is the same on every cloud and adding a zone only adds subnets (CDK's own
 * allocator would shift the private and isolated blocks when zones go from 2 to 3).
 */
export class PlannedIpAddresses implements ec2.IIpAddresses {
  constructor(
    private readonly plan: SubnetPlan,
    private readonly zones: readonly string[],
  ) {}

  allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.plan.cidr };
  }

  allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    return {
      allocatedSubnets: input.requestedSubnets.map((request) => {
        const zone = this.zones.indexOf(request.availabilityZone);
        const tier =
          request.configuration.subnetType === ec2.SubnetType.PUBLIC
            ? this.plan.public
            : request.configuration.subnetType === ec2.SubnetType.PRIVATE_ISOLATED
              ? this.plan.isolated
              : this.plan.private;
        const cidr = tier[zone];
        if (cidr === undefined) {
          throw new Error(`no planned subnet for ${request.configuration.name} in ${request.availabilityZone}`);
        }
        return { cidr };
      }),
    };
  }
}

/** Props of {@link AwsNetwork}. */
export interface AwsNetworkProps {
  /** The resolved spec: CIDR, zones and the subnet plan. */
  readonly spec: ResolvedSpec;
  /**
   * Bring your own VPC. It must have private subnets with egress (app instances) and isolated
   * subnets (databases, caches) in at least two zones; no flow log is added to it.
   * @default - a new VPC built from the spec's address plan
   */
  readonly vpc?: ec2.IVpc;
  /** Key that encrypts the flow-log group. @default - the log group is encrypted by CloudWatch Logs' own key */
  readonly key?: kms.IKey;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the VPC. @default - none */
    readonly vpc?: Override<ec2.VpcProps>;
    /** Props of the flow-log group. @default - none */
    readonly flowLogGroup?: Override<logs.LogGroupProps>;
  };
}

/**
 * The private network: a VPC across the spec's zones with public (load balancer, NAT),
 * private (app instances, egress through NAT) and isolated (data, no route out) subnets at the
 * addresses of the lib plan, and flow logs of all traffic to an encrypted log group.
 *
 * NAT: one gateway per zone in prod (a zone outage does not cut the other zones' egress), one
 * in dev and staging (about $32/month each plus data; losing egress in a zone outage is
 * acceptable there).
 */
export class AwsNetwork extends Construct {
  /** The VPC (created or brought). */
  public readonly vpc: ec2.IVpc;
  /** Flow log of the created VPC; undefined for a brought VPC. */
  public readonly flowLog?: ec2.FlowLog;
  /** Log group of the flow log; undefined for a brought VPC. */
  public readonly flowLogGroup?: logs.LogGroup;
  /** Subnets of the app instances. */
  public readonly appSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Subnets of the databases and caches. */
  public readonly dataSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** Subnets of the internet-facing load balancer. */
  public readonly publicSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PUBLIC };

  constructor(scope: Construct, id: string, props: AwsNetworkProps) {
    super(scope, id);
    const { spec } = props;
    if (props.vpc) {
      this.vpc = props.vpc;
      return;
    }
    const zones = zoneNames(Stack.of(this).region, spec.network.zones);
    const mask = spec.network.subnets.blockPrefix;
    const vpc = new ec2.Vpc(
      this,
      'Vpc',
      applyOverride<ec2.VpcProps>(
        {
          ipAddresses: new PlannedIpAddresses(spec.network.subnets, zones),
          availabilityZones: zones,
          natGateways: spec.isProd ? zones.length : 1,
          subnetConfiguration: [
            {
              name: SUBNET_GROUPS.public,
              subnetType: ec2.SubnetType.PUBLIC,
              cidrMask: mask,
              mapPublicIpOnLaunch: false,
            },
            { name: SUBNET_GROUPS.private, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: mask },
            { name: SUBNET_GROUPS.isolated, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: mask },
          ],
          enableDnsHostnames: true,
          enableDnsSupport: true,
          // The default security group stays unused; closing it needs a Lambda-backed custom
          // resource, which adds a function, a role and their findings to every stack.
          restrictDefaultSecurityGroup: false,
        },
        props.overrides?.vpc,
      ),
    );
    this.vpc = vpc;
    this.flowLogGroup = new logs.LogGroup(
      this,
      'FlowLogGroup',
      applyOverride<logs.LogGroupProps>(
        {
          retention: LOG_RETENTION,
          ...(props.key ? { encryptionKey: props.key } : {}),
          removalPolicy: spec.isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        },
        props.overrides?.flowLogGroup,
      ),
    );
    this.flowLog = vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
