import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { loadSpec } from 'scaling-blueprint';
import { AwsBlueprint } from 'scaling-blueprint/aws';

/** The team's stack: the whole backend inside it, with one override. */
export class ConsumerAwsStack extends cdk.Stack {
  public readonly backend: AwsBlueprint;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    this.backend = new AwsBlueprint(this, 'Payments', {
      spec: loadSpec(path.join(__dirname, '..', '..', 'spec.yaml')),
      companyRules: { tags: { 'cost-center': 'cc-4411' } },
      overrides: {
        database: {
          // The writer's own maintenance window; everything else about it (Performance Insights,
          // its key, minor upgrades) stays, and the readers are not touched.
          writer: (props) => ({ ...props, preferredMaintenanceWindow: 'sun:05:00-sun:06:00' }),
        },
      },
    });
  }
}
