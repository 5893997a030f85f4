import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsDatabase } from '../../constructs/aws/database';
import { resolveDatabaseSpec } from '../../lib/component-spec';
import { AwsBlueprint, type AwsBlueprintProps, applyCompanyRules, awsAppContext } from '../../stacks/aws-stack';
import { resolved } from '../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped
type Json = any;

const app = () => new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
const stackIn = (a: App) => new Stack(a, 'TeamStack', { env: { account: '111111111111', region: 'us-east-1' } });
const ofType = (t: Template, type: string): Json[] => Object.values(t.findResources(type));

function blueprint(props: Partial<AwsBlueprintProps>, before?: (stack: Stack) => Partial<AwsBlueprintProps>) {
  const a = app();
  const stack = stackIn(a);
  const extra = before?.(stack) ?? {};
  const b = new AwsBlueprint(stack, 'Backend', { spec: resolved('staging'), ...props, ...extra });
  return { b, stack, template: Template.fromStack(stack) };
}

describe('AwsBlueprint', () => {
  test('GIVEN a default `new ec2.Vpc()` (no isolated subnets) WHEN the blueprint is put in it THEN it builds, the data tier on the private subnets, and creates no VPC', () => {
    const { template, stack } = blueprint({}, (s) => ({ vpc: new ec2.Vpc(s, 'TeamVpc') }));
    expect(ofType(template, 'AWS::EC2::VPC')).toHaveLength(1);
    const privateIds = (stack.node.findChild('TeamVpc') as ec2.Vpc).privateSubnets.map((x) =>
      stack.resolve(x.subnetId),
    );
    const [group] = ofType(template, 'AWS::RDS::DBSubnetGroup');
    expect(group.Properties.SubnetIds).toEqual(privateIds);
    const [cacheGroup] = ofType(template, 'AWS::ElastiCache::SubnetGroup');
    expect(cacheGroup.Properties.SubnetIds).toEqual(privateIds);
  });

  test('GIVEN subnet selections WHEN built THEN each tier goes where it is told', () => {
    const { template, stack } = blueprint({}, (s) => {
      const vpc = new ec2.Vpc(s, 'TeamVpc', {
        subnetConfiguration: [
          { name: 'edge', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          { name: 'vault', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      return { vpc, subnets: { data: { subnetGroupName: 'vault' } } };
    });
    const vpc = stack.node.findChild('TeamVpc') as ec2.Vpc;
    const vault = vpc.selectSubnets({ subnetGroupName: 'vault' }).subnetIds.map((id) => stack.resolve(id));
    expect(ofType(template, 'AWS::RDS::DBSubnetGroup')[0].Properties.SubnetIds).toEqual(vault);
    expect(ofType(template, 'AWS::ElastiCache::SubnetGroup')[0].Properties.SubnetIds).toEqual(vault);
  });

  test('GIVEN writer and reader hooks WHEN built THEN the writer changes only in what the hook changed (Performance Insights, its key and minor upgrades stay) and only the chosen reader moves', () => {
    const spec = resolved('staging', { database: { readReplicas: 2 } });
    const plain = blueprint({ spec }).template;
    const { template } = blueprint({
      spec,
      overrides: {
        database: {
          writer: (p) => ({ ...p, instanceType: new ec2.InstanceType('r7g.xlarge') }),
          reader: (p, at) => (at.replica === 2 ? { ...p, instanceType: new ec2.InstanceType('r7g.2xlarge') } : p),
        },
      },
    });
    const byId = (t: Template) => t.findResources('AWS::RDS::DBInstance');
    const before = byId(plain);
    const after = byId(template);
    const writerId = Object.keys(after).find((id) => id.includes('Writer')) as string;
    const r1 = Object.keys(after).find((id) => id.includes('Reader1')) as string;
    const r2 = Object.keys(after).find((id) => id.includes('Reader2')) as string;
    expect(after[writerId].Properties.DBInstanceClass).toBe('db.r7g.xlarge');
    const { DBInstanceClass: _a, ...writerRest } = after[writerId].Properties;
    const { DBInstanceClass: _b, ...writerBefore } = before[writerId].Properties;
    expect(writerRest).toEqual(writerBefore);
    expect(writerRest).toMatchObject({ EnablePerformanceInsights: true, AutoMinorVersionUpgrade: true });
    expect(writerRest.PerformanceInsightsKMSKeyId).toBeDefined();
    expect(after[r2].Properties.DBInstanceClass).toBe('db.r7g.2xlarge');
    expect(after[r1]).toEqual(before[r1]);
  });

  test('GIVEN a serverless size (small) WHEN the writer hook changes its window THEN it stays Serverless v2; an instance hook with an instanceType makes every instance provisioned', () => {
    const spec = resolved('staging', { database: { size: 'small', readReplicas: 1 } });
    const classes = (t: Template) =>
      Object.entries(t.findResources('AWS::RDS::DBInstance')).map(([id, r]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        r.Properties,
      ]);
    const windowed = blueprint({
      spec,
      overrides: { database: { writer: (p) => ({ ...p, preferredMaintenanceWindow: 'sun:05:00-sun:06:00' }) } },
    }).template;
    for (const [id, props] of classes(windowed)) {
      expect({ id, cls: props.DBInstanceClass }).toEqual({ id, cls: 'db.serverless' });
      expect({ id, w: props.PreferredMaintenanceWindow }).toEqual({
        id,
        w: String(id).includes('Writer') ? 'sun:05:00-sun:06:00' : undefined,
      });
    }
    const provisioned = blueprint({
      spec,
      overrides: { database: { instance: (p) => ({ ...p, instanceType: new ec2.InstanceType('r7g.large') }) } },
    }).template;
    for (const [, props] of classes(provisioned)) expect(props.DBInstanceClass).toBe('db.r7g.large');
  });

  test('GIVEN a brought key and alarm topic WHEN built THEN neither is created and the alarms notify the topic', () => {
    const { template, stack } = blueprint({}, (s) => ({
      key: new kms.Key(s, 'TeamKey'),
      alarmTopic: new sns.Topic(s, 'OnCall'),
    }));
    expect(ofType(template, 'AWS::KMS::Key')).toHaveLength(1);
    expect(ofType(template, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(ofType(template, 'AWS::SNS::Subscription')).toHaveLength(0);
    const topic = stack.resolve((stack.node.findChild('OnCall') as sns.Topic).topicArn);
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });

  test("GIVEN company rules WHEN built THEN derived names carry the prefix and every taggable resource, the team's own too, the tags", () => {
    const { template } = blueprint({ companyRules: { namePrefix: 'acme', tags: { 'cost-center': 'cc-7' } } }, (s) => {
      new s3.Bucket(s, 'TeamBucket');
      applyCompanyRules(s, { tags: { 'cost-center': 'cc-7' } });
      return {};
    });
    expect(ofType(template, 'AWS::RDS::DBCluster')[0].Properties.DBClusterIdentifier).toBe('acme-shop-api-stg-db');
    for (const bucket of ofType(template, 'AWS::S3::Bucket')) {
      expect(bucket.Properties.Tags).toContainEqual({ Key: 'cost-center', Value: 'cc-7' });
    }
    expect(() => blueprint({ companyRules: { tags: { 'Cost Center': 'x' } } })).toThrow(/companyRules: invalid spec/);
  });

  test('GIVEN AwsDatabase alone in an existing VPC with a database spec WHEN built THEN it needs no compute, alerts or other tiers', () => {
    const a = app();
    const stack = stackIn(a);
    const vpc = new ec2.Vpc(stack, 'TeamVpc');
    const spec = resolveDatabaseSpec({
      name: 'ledger',
      environment: 'prod',
      database: { readReplicas: 1, size: 'large' },
    });
    const db = new AwsDatabase(stack, 'Ledger', { spec, vpc, key: new kms.Key(stack, 'Key') });
    const template = Template.fromStack(stack);
    expect(ofType(template, 'AWS::RDS::DBCluster')[0].Properties).toMatchObject({
      DBClusterIdentifier: 'ledger-prd-db',
      DeletionProtection: true,
    });
    expect(db.readers).toBe(1);
    expect(() => resolveDatabaseSpec({ name: 'Ledger', environment: 'prod', database: { readReplicas: -1 } })).toThrow(
      /database spec: invalid spec \(2 problems\)\n {2}- name: [^\n]+\n {2}- database\.readReplicas: /,
    );
  });
});
