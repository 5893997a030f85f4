// Named imports from ESM: every name the CommonJS build exports.
import assert from 'node:assert';
import { createRequire } from 'node:module';
import { loadSpec, resolveDatabaseSpec } from 'scaling-blueprint';
import { AwsBlueprint, AwsDatabase, synthWithPolicyGates } from 'scaling-blueprint/aws';

const require = createRequire(import.meta.url);
for (const f of [loadSpec, resolveDatabaseSpec, AwsBlueprint, AwsDatabase, synthWithPolicyGates]) assert.strictEqual(typeof f, 'function');
for (const entry of ['scaling-blueprint', 'scaling-blueprint/aws']) {
  const esm = Object.keys(await import(entry)).filter((k) => k !== 'default').sort();
  const cjs = Object.keys(require(entry)).filter((k) => k !== '__esModule').sort();
  assert.deepStrictEqual(esm, cjs, entry);
  assert.strictEqual((await import(entry)).default, require(entry), `${entry}: one module instance`);
}
console.log('consumer-aws: ESM named imports match the CommonJS exports');
