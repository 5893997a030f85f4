// What `cdk synth` of the team's app must show.
import * as assert from 'node:assert';
import * as fs from 'node:fs';

const template = JSON.parse(fs.readFileSync('cdk.out/ConsumerAwsStack.template.json', 'utf8'));
const resources = Object.entries(template.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>);
const instances = resources.filter(([, r]) => r.Type === 'AWS::RDS::DBInstance');
const writer = instances.find(([id]) => id.includes('Writer'));
assert.ok(writer, 'a writer instance');
assert.strictEqual(writer[1].Properties?.PreferredMaintenanceWindow, 'sun:05:00-sun:06:00', 'the writer hook applied');
assert.strictEqual(writer[1].Properties?.EnablePerformanceInsights, true, 'Performance Insights kept');
for (const [id, r] of instances.filter(([i]) => i.includes('Reader'))) {
  assert.strictEqual(r.Properties?.PreferredMaintenanceWindow, undefined, `${id} unchanged`);
}
const cluster = resources.find(([, r]) => r.Type === 'AWS::RDS::DBCluster');
assert.ok(cluster && cluster[0].startsWith('PaymentsDatabaseCluster'), 'the blueprint sits under the team construct id');
const tagged = resources.filter(([, r]) => Array.isArray(r.Properties?.Tags));
assert.ok(tagged.every(([, r]) => (r.Properties?.Tags as Array<{ Key: string; Value: string }>).some((t) => t.Key === 'cost-center' && t.Value === 'cc-4411')));
assert.ok(Object.keys(template.Outputs).some((id) => id.startsWith('PaymentsDatabaseWriterHost')), 'the contract outputs');
console.log(`consumer-aws: ${resources.length} resources in the team's stack, policy gates clean, writer hook applied`);
