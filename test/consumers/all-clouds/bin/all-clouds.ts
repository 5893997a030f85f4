#!/usr/bin/env node
// Every entry point from one program, under strict + exactOptionalPropertyTypes.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App as TerraformApp, TerraformStack } from 'cdktf';
import { loadSpec, type Spec } from 'scaling-blueprint';
import { AwsBlueprintStack, awsAppContext } from 'scaling-blueprint/aws';
import { AzureBlueprint, applyCompanyRules } from 'scaling-blueprint/azure';
import { GcpBlueprintStack } from 'scaling-blueprint/gcp';

const loaded = loadSpec(path.join(__dirname, '..', '..', 'spec.yaml'));
assert.ok(loaded.ok, 'the spec loads');

// AWS: the stack form, from the spec written in TypeScript.
const written: Spec = {
  name: 'search',
  environment: 'dev',
  clouds: ['aws'],
  compute: { app: { image: 'ghcr.io/acme/search:1.0.0' } },
  alerts: { email: 'oncall@example.com' },
};
// Output inside the project, as the templates' cdk.out and cdktf.out (a temporary directory outlived every run).
const project = path.join(__dirname, '..', '..');
const awsApp = new cdk.App({ context: awsAppContext(), outdir: path.join(project, 'cdk.out') });
const awsStack = new AwsBlueprintStack(awsApp, 'search-dev', { spec: written, env: { region: 'us-east-1' } });
const clusters = Template.fromStack(awsStack).findResources('AWS::RDS::DBCluster');
assert.deepStrictEqual(Object.keys(clusters), ['DatabaseCluster5B53A178'], 'the stack form keeps the logical ids');

// GCP and Azure in one Terraform app: the GCP stack form, and the Azure blueprint in a team stack.
const outdir = path.join(project, 'cdktf.out');
const tfApp = new TerraformApp({ outdir });
new GcpBlueprintStack(tfApp, 'search-staging-gcp', { spec: loaded });
const team = new TerraformStack(tfApp, 'team-azure');
new AzureBlueprint(team, 'Search', {
  spec: loaded,
  overrides: {
    database: {
      // Every server (primary and replica) gets the team's tag; only the primary's backups grow.
      instance: (props) => ({ ...props, tags: { ...props.tags, tier: 'gold' } }),
      server: (props) => ({ ...props, backupRetentionDays: 21 }),
    },
  },
});
applyCompanyRules(team, { tags: { 'cost-center': 'cc-7' } });
tfApp.synth();

const read = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
const gcp = read('search-staging-gcp');
assert.ok(gcp.resource.google_sql_database_instance?.['database_primary_D3810515'], 'the GCP stack form keeps its addresses');
const servers = Object.values(read('team-azure').resource.azurerm_postgresql_flexible_server ?? {});
assert.strictEqual(servers.length, 2);
for (const s of servers) {
  assert.strictEqual((s.tags as Record<string, string>).tier, 'gold');
  assert.strictEqual((s.tags as Record<string, string>)['cost-center'], 'cc-7');
}
assert.deepStrictEqual(servers.map((s) => s.backup_retention_days ?? null).sort(), [21, null].sort());
console.log('consumer-all-clouds: AWS stack form, GCP stack form and the Azure blueprint with hooks and company tags');
