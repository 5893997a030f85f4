#!/usr/bin/env node
// AwsDatabase alone, in a VPC the team already has (a default `new ec2.Vpc()`: no isolated subnets).
import * as assert from 'node:assert';
import * as cdk from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveDatabaseSpec } from 'scaling-blueprint';
import { AwsDatabase } from 'scaling-blueprint/aws';

const app = new cdk.App();
const stack = new cdk.Stack(app, 'LedgerDatabase', { env: { region: 'eu-west-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc');
const db = new AwsDatabase(stack, 'Ledger', {
  spec: resolveDatabaseSpec({ name: 'ledger', environment: 'prod', database: { readReplicas: 1 } }),
  vpc,
  key: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
});
const template = Template.fromStack(stack);
const [cluster] = Object.values(template.findResources('AWS::RDS::DBCluster')) as Array<{ Properties: Record<string, unknown> }>;
assert.strictEqual(cluster?.Properties.DBClusterIdentifier, 'ledger-prd-db');
const [group] = Object.values(template.findResources('AWS::RDS::DBSubnetGroup')) as Array<{ Properties: { SubnetIds: unknown[] } }>;
assert.deepStrictEqual(group?.Properties.SubnetIds, vpc.privateSubnets.map((s) => stack.resolve(s.subnetId)));
console.log(`consumer-aws: AwsDatabase alone in a default VPC, ${db.readers} reader(s), private subnets`);
