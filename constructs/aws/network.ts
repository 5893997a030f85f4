import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SubnetPlan } from '../../lib/network-plan';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { type AwsZoneSource, awsZoneSource } from '../../lib/zones';
import { acknowledge } from './policy';

/** Subnet group names; they are part of the subnets' logical ids, so they never change. */
export const SUBNET_GROUPS = { public: 'Public', private: 'Private', isolated: 'Isolated' } as const;

/** How long log groups keep data (Control Tower CT.CLOUDWATCH.PR.2 asks for at least a year). */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/** The acknowledgement id of cfn-lint's W3010 ("avoid hardcoding availability zones") in CDK's built-in validation. */
export const LITERAL_ZONE_RULE = 'CloudFormation-Validate::W3010';

/** The zones a created VPC spans, where they came from, and why they are literal in the template. */
export interface AwsVpcZones {
  readonly zones: string[];
  readonly source: AwsZoneSource;
  /** Why the template names these zones literally (the W3010 acknowledgement). */
  readonly reason: string;
}

/**
 * The VPC's zones from lib's AWS zone source: explicit names (spec or the table of letters every
 * account has) as given; a lookup takes the first `network.zones` of Stack.availabilityZones, a
 * CDK context lookup cached in cdk.context.json (without a cached answer CDK returns placeholder
 * zones and records the lookup as missing: synthAws refuses that, `npx cdk synth` performs it).
 */
export function awsVpcZones(scope: Construct, spec: ResolvedSpec): AwsVpcZones {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? spec.regions.aws : stack.region;
  const source = awsZoneSource({
    network: spec.network,
    regions: { ...spec.regions, aws: region },
    accounts: spec.accounts,
  });
  if (source.kind === 'unknown') {
    throw new Error(
      `network.zoneNames.aws: the zone names of AWS region ${region} differ between accounts, so ${source.count} zones cannot be derived from the region; set network.zoneNames.aws to this account's zones, or accounts.aws to look them up (validate refuses such a spec)`,
    );
  }
  if (source.kind === 'names') {
    return {
      zones: [...source.names],
      source,
      reason:
        source.from === 'spec'
          ? `The zones are this account's zone names from network.zoneNames.aws (${source.names.join(', ')}); an Fn::GetAZs index could pick zones the spec did not name.`
          : `The zones are ${source.names.join(', ')}: letters every account in ${region} is offered (lib/zones.ts AWS_ZONE_LETTERS), the same in every template of this spec.`,
    };
  }
  const available = stack.availabilityZones;
  if (available.length < source.count) {
    throw new Error(
      `network.zones: account ${spec.accounts.aws} has ${available.length} availability zones in ${region} (${available.join(', ')}); set network.zones to at most ${available.length} (given ${source.count})`,
    );
  }
  return {
    zones: available.slice(0, source.count),
    source,
    reason: `The zones are the first ${source.count} availability zones of account ${spec.accounts.aws} in ${region}, looked up by CDK (Stack.availabilityZones) and cached in cdk.context.json.`,
  };
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

/**
 * Subnets of the data tier (databases, caches) in a VPC: its isolated subnets, or its private
 * subnets with egress when it has no isolated ones (a default `new ec2.Vpc()` has none); the
 * security groups, not the route table, keep the data private then.
 */
export function dataSubnetsOf(vpc: ec2.IVpc): ec2.SubnetSelection {
  return {
    subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS,
  };
}

/** Subnet selections of a brought VPC, by tier. */
export interface AwsSubnetSelections {
  /** App instances (and the rotation functions): they need egress. @default - the private subnets with egress */
  readonly app?: ec2.SubnetSelection;
  /** Databases and caches. @default - the isolated subnets, else the private subnets with egress (dataSubnetsOf) */
  readonly data?: ec2.SubnetSelection;
  /** The internet-facing load balancer. @default - the public subnets */
  readonly public?: ec2.SubnetSelection;
}

/** Props of {@link AwsNetwork}. */
export interface AwsNetworkProps {
  /** The resolved spec: CIDR, zones and the subnet plan. */
  readonly spec: ResolvedSpec;
  /**
   * Bring your own VPC: public subnets (load balancer), private subnets with egress (app
   * instances) and, for the data tier, isolated subnets or else the private ones, in at least
   * two zones; no flow log is added to it. Pick other subnets with `subnets`.
   * @default - a new VPC built from the spec's address plan
   */
  readonly vpc?: ec2.IVpc;
  /** Which subnets of a brought VPC each tier uses. @default - see AwsSubnetSelections */
  readonly subnets?: AwsSubnetSelections;
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
  public readonly appSubnets: ec2.SubnetSelection;
  /** Subnets of the databases and caches. */
  public readonly dataSubnets: ec2.SubnetSelection;
  /** Subnets of the internet-facing load balancer. */
  public readonly publicSubnets: ec2.SubnetSelection;
  /** Zones of the created VPC and where they came from; undefined for a brought VPC. */
  public readonly zones?: AwsVpcZones;

  constructor(scope: Construct, id: string, props: AwsNetworkProps) {
    super(scope, id);
    const { spec } = props;
    const chosen = props.subnets ?? {};
    this.appSubnets = chosen.app ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.publicSubnets = chosen.public ?? { subnetType: ec2.SubnetType.PUBLIC };
    if (props.vpc) {
      this.vpc = props.vpc;
      this.dataSubnets = chosen.data ?? dataSubnetsOf(props.vpc);
      return;
    }
    this.dataSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    this.zones = awsVpcZones(this, spec);
    const zones = this.zones.zones;
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
    // aws-cdk-lib acknowledges W3010 on the stack with a reason that holds only for looked-up
    // zones; this one (closer to the subnets, so it is the one reported) says where they came from.
    acknowledge(vpc, { [LITERAL_ZONE_RULE]: this.zones.reason });
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
