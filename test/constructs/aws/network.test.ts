import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsNetwork, LITERAL_ZONE_RULE } from '../../../constructs/aws/network';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import type { ResolvedSpec } from '../../../lib/resolve';
import { acknowledgements } from '../../../stacks/aws-policy';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

const ACCOUNT = '111111111111';

function build(spec: ResolvedSpec, vpc?: ec2.IVpc, context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...awsAppContext(), ...context }, builtinCloudFormationValidation: false });
  const env = { region: spec.regions.aws, ...(spec.accounts.aws ? { account: spec.accounts.aws } : {}) };
  const stack = new Stack(app, 'Test', { env });
  const key = new AwsSecrets(stack, 'Secrets', { spec }).key;
  const network = new AwsNetwork(stack, 'Network', { spec, key, ...(vpc ? { vpc } : {}) });
  return { stack, network, template: Template.fromStack(stack) };
}

const subnetZones = (template: Template) =>
  new Set(Object.values(template.findResources('AWS::EC2::Subnet')).map((r) => r.Properties.AvailabilityZone));

/** The W3010 reason the validation report uses for the subnets: the acknowledgement closest to them. */
const zoneAck = (stack: Stack) =>
  acknowledgements(stack).find((a) => a.id === LITERAL_ZONE_RULE && a.path.endsWith('Network/Vpc'))?.reason;

const subnetCidrs = (template: Template) =>
  Object.values(template.findResources('AWS::EC2::Subnet'))
    .map((r) => r.Properties.CidrBlock as string)
    .sort();

describe('AwsNetwork', () => {
  test('GIVEN prod (3 zones) WHEN built THEN subnets sit exactly at the lib address plan, one NAT per zone', () => {
    const spec = resolved('prod', { network: { cidr: '10.20.0.0/16' } });
    const { template } = build(spec);
    const plan = spec.network.subnets;
    expect(subnetCidrs(template)).toEqual([...plan.public, ...plan.private, ...plan.isolated].sort());
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16', EnableDnsHostnames: true });
  });

  test('GIVEN dev (2 zones) WHEN built THEN the plan blocks stay put (no packing) and one NAT serves all zones', () => {
    const spec = resolved('dev');
    const { template } = build(spec);
    expect(spec.network.zones).toBe(2);
    // The private tier starts at block 3 even with 2 zones: adding a zone later only adds subnets.
    expect(subnetCidrs(template)).toEqual(
      ['10.0.0.0/20', '10.0.16.0/20', '10.0.48.0/20', '10.0.64.0/20', '10.0.96.0/20', '10.0.112.0/20'].sort(),
    );
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('GIVEN a region of the zone table and no account WHEN built THEN subnets use the letters every account has', () => {
    const { template, network, stack } = build(resolved('prod', { regions: { aws: 'eu-west-1' } }));
    expect(subnetZones(template)).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
    expect(network.zones?.source).toEqual({
      kind: 'names',
      names: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      from: 'table',
    });
    expect(zoneAck(stack)).toMatch(/letters every account in eu-west-1 is offered/);
  });

  test('GIVEN network.zoneNames.aws WHEN built THEN subnets use exactly those zones, in order', () => {
    const names = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'];
    const { template, stack } = build(
      resolved('prod', { regions: { aws: 'ap-northeast-1' }, network: { zoneNames: { aws: names } } }),
    );
    expect(subnetZones(template)).toEqual(new Set(names));
    template.hasResourceProperties('AWS::EC2::Subnet', {
      AvailabilityZone: 'ap-northeast-1d',
      CidrBlock: resolved('prod').network.subnets.public[2],
    });
    expect(zoneAck(stack)).toMatch(/from network\.zoneNames\.aws/);
  });

  test('GIVEN accounts.aws and a cached zone lookup WHEN built THEN subnets use the looked-up zones (no "must be a subset" error)', () => {
    // ap-northeast-1 accounts created since 2018 have a, c and d: the old <region>a/b/c failed here.
    const spec = resolved('prod', { regions: { aws: 'ap-northeast-1' }, accounts: { aws: ACCOUNT } });
    const looked = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d', 'ap-northeast-1x'];
    const { template, network, stack } = build(spec, undefined, {
      [`availability-zones:account=${ACCOUNT}:region=ap-northeast-1`]: looked,
    });
    expect(subnetZones(template)).toEqual(new Set(looked.slice(0, 3)));
    expect(network.zones?.source).toEqual({ kind: 'lookup', count: 3 });
    expect(zoneAck(stack)).toMatch(/looked up by CDK/);
  });

  test('GIVEN a looked-up account with fewer zones than network.zones WHEN built THEN it fails naming the field and the zones', () => {
    const spec = resolved('prod', { regions: { aws: 'us-west-1' }, accounts: { aws: ACCOUNT } });
    expect(() =>
      build(spec, undefined, {
        [`availability-zones:account=${ACCOUNT}:region=us-west-1`]: ['us-west-1a', 'us-west-1c'],
      }),
    ).toThrow(
      /^network\.zones: account 111111111111 has 2 availability zones in us-west-1 \(us-west-1a, us-west-1c\); set network\.zones to at most 2 \(given 3\)$/,
    );
  });

  test('GIVEN a region whose zones no source can give (a library user skipping validation) WHEN built THEN it fails with what to set', () => {
    expect(() => build(resolved('prod', { regions: { aws: 'me-central-1' } }))).toThrow(
      /^network\.zoneNames\.aws: .*me-central-1.*set network\.zoneNames\.aws .* or accounts\.aws/,
    );
  });

  test('GIVEN the network WHEN built THEN all traffic is flow-logged to a KMS-encrypted group kept a year', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      ResourceType: 'VPC',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsDataKey'), 'Arn'] },
    });
  });

  test('GIVEN isolated subnets WHEN built THEN they have no route to the internet or a NAT', () => {
    const { template } = build(resolved('prod'));
    const routes = Object.values(template.findResources('AWS::EC2::Route'));
    const isolatedTables = Object.keys(template.findResources('AWS::EC2::RouteTable')).filter((id) =>
      id.includes('Isolated'),
    );
    expect(isolatedTables).toHaveLength(3);
    for (const route of routes) {
      expect(JSON.stringify(route.Properties.RouteTableId)).not.toMatch(/Isolated/);
    }
  });

  test('GIVEN an existing VPC WHEN built THEN no VPC or flow log is created and the given VPC is exposed', () => {
    const spec = resolved('prod');
    const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-123',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
      privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
      isolatedSubnetIds: ['subnet-3', 'subnet-4'],
      isolatedSubnetRouteTableIds: ['rtb-3', 'rtb-4'],
    });
    const network = new AwsNetwork(stack, 'Network', { spec, vpc });
    const template = Template.fromStack(stack);
    expect(network.vpc).toBe(vpc);
    expect(network.flowLog).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
  });

  test('GIVEN a VPC override WHEN built THEN it is applied last (over spec values)', () => {
    const spec = resolved('prod');
    const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
    new AwsNetwork(stack, 'Network', { spec, overrides: { vpc: (p) => ({ ...p, natGateways: 1 }) } });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 1);
  });
});
