// Named imports from ESM for the GCP and Azure entries.
import assert from 'node:assert';
import { createRequire } from 'node:module';
import { AzureBlueprint, AzureDatabase } from 'scaling-blueprint/azure';
import { GcpBlueprint, GcpDatabase } from 'scaling-blueprint/gcp';

const require = createRequire(import.meta.url);
for (const f of [AzureBlueprint, AzureDatabase, GcpBlueprint, GcpDatabase]) assert.strictEqual(typeof f, 'function');
for (const entry of ['scaling-blueprint/gcp', 'scaling-blueprint/azure']) {
  const esm = Object.keys(await import(entry)).filter((k) => k !== 'default').sort();
  const cjs = Object.keys(require(entry)).filter((k) => k !== '__esModule').sort();
  assert.deepStrictEqual(esm, cjs, entry);
}
console.log('consumer-all-clouds: ESM named imports match the CommonJS exports');
