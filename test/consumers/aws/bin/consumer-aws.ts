#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib/core';
import { synthWithPolicyGates } from 'scaling-blueprint/aws';
import { ConsumerAwsStack } from '../lib/consumer-aws-stack';

const app = new cdk.App();
new ConsumerAwsStack(app, 'ConsumerAwsStack', {
  env: { region: 'us-east-1' },
});
// The company's policy gates on the whole app, the team's own resources included.
synthWithPolicyGates(app);
