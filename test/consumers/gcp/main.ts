// cdktf init --template=typescript's main.ts, with the team's network and the blueprint in it.

import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import * as assert from 'assert';
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { loadSpec } from 'scaling-blueprint';
import { GcpBlueprint } from 'scaling-blueprint/gcp';

class MyStack extends TerraformStack {
  public readonly blueprint: GcpBlueprint;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // The platform team's shared network, provider first: the blueprint then adds none.
    new GoogleProvider(this, 'google', { project: 'acme-shared', region: 'us-central1' });
    const vpc = new ComputeNetwork(this, 'shared-vpc', { name: 'acme-shared', autoCreateSubnetworks: false });
    const subnet = new ComputeSubnetwork(this, 'apps', {
      name: 'acme-apps',
      network: vpc.id,
      region: 'us-central1',
      ipCidrRange: '10.20.0.0/20',
      privateIpGoogleAccess: true,
    });
    const services = new ComputeGlobalAddress(this, 'services', {
      name: 'acme-services',
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      prefixLength: 16,
      network: vpc.id,
    });
    const peering = new ServiceNetworkingConnection(this, 'peering', {
      network: vpc.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [services.name],
    });

    this.blueprint = new GcpBlueprint(this, 'orders', {
      spec: loadSpec(path.join(__dirname, 'spec.yaml')),
      network: {
        vpcId: vpc.id,
        subnetId: subnet.id,
        servicesRangeName: services.name,
        privateServiceAccess: [peering],
        appTag: 'orders-app',
      },
      overrides: {
        database: {
          // One replica gets a bigger tier; the primary and the other replica stay as they are.
          replica: (props, instance) =>
            instance.replica === 1 ? { ...props, settings: { ...props.settings, tier: 'db-custom-4-16384' } } : props,
        },
      },
    });
  }
}

const app = new App();
new MyStack(app, 'consumer-gcp');
app.synth();

// What the synthesized stack must show.
const tf = JSON.parse(fs.readFileSync(path.join('cdktf.out', 'stacks', 'consumer-gcp', 'cdk.tf.json'), 'utf8'));
assert.deepStrictEqual(
  tf.provider.google.map((p: { project?: string }) => p.project),
  ['acme-shared'],
  "only the team's google provider",
);
assert.deepStrictEqual(Object.keys(tf.resource.google_compute_network), ['shared-vpc'], 'no second VPC');
const firewalls = Object.values(tf.resource.google_compute_firewall) as Array<{
  network: string;
  target_tags?: string[];
}>;
assert.ok(firewalls.length >= 2, 'the app firewall rules are added to the brought VPC');
for (const f of firewalls) {
  assert.strictEqual(f.network, '${google_compute_network.shared-vpc.id}');
  assert.deepStrictEqual(f.target_tags, ['orders-app'], 'no rule reaches beyond the app VMs');
}
const instances = tf.resource.google_sql_database_instance as Record<
  string,
  { name: string; settings: { tier: string } }
>;
const tiers = Object.fromEntries(Object.values(instances).map((i) => [i.name, i.settings.tier]));
assert.strictEqual(tiers['orders-stg-pg-r1'], 'db-custom-4-16384', 'the replica hook changes replica 1');
assert.notStrictEqual(tiers['orders-stg-pg-r2'], 'db-custom-4-16384', 'and not replica 2');
assert.notStrictEqual(tiers['orders-stg-pg'], 'db-custom-4-16384', 'nor the primary');
for (const [type, byId] of Object.entries(tf.resource as Record<string, Record<string, unknown>>)) {
  for (const id of Object.keys(byId)) assert.ok(!/Default/.test(id), `${type}.${id}`);
}
console.log(
  `consumer-gcp: ${Object.keys(instances).length} Cloud SQL instances, ${firewalls.length} firewall rules; checks passed`,
);
