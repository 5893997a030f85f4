import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsNetwork, zoneNames } from '../../../constructs/aws/network';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import type { ResolvedSpec } from '../../../lib/resolve';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec, vpc?: ec2.IVpc) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const key = new AwsSecrets(stack, 'Secrets', { spec }).key;
  const network = new AwsNetwork(stack, 'Network', { spec, key, ...(vpc ? { vpc } : {}) });
  return { stack, network, template: Template.fromStack(stack) };
}

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

  test('GIVEN a region WHEN deriving zones THEN names are <region>a, b, c and subnets use them', () => {
    expect(zoneNames('eu-west-1', 3)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    const { template } = build(resolved('prod', { regions: { aws: 'eu-west-1' } }));
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map((r) => r.Properties.AvailabilityZone);
    expect(new Set(zones)).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
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
