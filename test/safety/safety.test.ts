import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUDS, type Cloud } from '../../lib/constants';
import { README_SECTION } from '../parity/generate';
import type { Template, TerraformJson } from '../support/outputs';
import { cloudFormationChanges, type ResourceChange, statefulAddresses, terraformChanges } from './diff';
import { EXPECTED_REPLACEMENTS, SIZE_EFFECTS } from './expectations';
import { effectFor, readmeSafety } from './report';
import { outputOf, runScenarios, type ScenarioResult } from './run';
import { scenarios } from './scenarios';
import { FORCE_NEW, STATEFUL_CFN_TYPES } from './stateful';

/*
 * Stateful safety: growing a spec never removes, renames or replaces a database, replica,
 * cache, secret, key, password or network resource, except the documented replacements.
 * Each scenario's two specs are synthesized once for all clouds (beforeAll).
 */

const ROOT = path.join(__dirname, '..', '..');
const list = scenarios();
let results: ScenarioResult[] = [];

beforeAll(() => {
  results = runScenarios(list);
});

const resultOf = (id: string): ScenarioResult => {
  const r = results.find((x) => x.scenario.id === id);
  if (!r) throw new Error(`no result for ${id}`);
  return r;
};

const REPLACING = new Set<ResourceChange['effect']>(['destroyed', 'replaced', 'may-replace']);

/** Type of a stateful address in an output. */
function typeOf(output: Template | TerraformJson, address: string): string | undefined {
  if ('Resources' in output) return output.Resources[address]?.Type;
  return address.slice(0, address.indexOf('.'));
}

describe.each(list.map((s) => [s.id, s.description] as const))('%s: %s', (id) => {
  test.each(CLOUDS)('%s: every stateful resource keeps its address, or is a documented replacement', (cloud) => {
    const r = resultOf(id);
    const before = outputOf(r.before, cloud);
    const after = outputOf(r.after, cloud);
    const kept = new Set(statefulAddresses(after));
    const documented = new Set((EXPECTED_REPLACEMENTS[id] ?? []).filter((e) => e.cloud === cloud).map((e) => e.type));
    const lost = statefulAddresses(before).filter((a) => {
      const gone = !kept.has(a) || typeOf(before, a) !== typeOf(after, a);
      return gone && !documented.has(typeOf(before, a) ?? '');
    });
    expect(lost).toEqual([]);
  });

  test.each(CLOUDS)('%s: stateful replacements are exactly the documented ones', (cloud) => {
    const r = resultOf(id);
    const replaced = r.changes[cloud]
      .filter((c) => c.stateful && REPLACING.has(c.effect))
      .map((c) => `${c.type} (${c.effect}: ${c.paths.join(', ') || 'removed'})`);
    const actualTypes = [
      ...new Set(r.changes[cloud].filter((c) => c.stateful && REPLACING.has(c.effect)).map((c) => c.type)),
    ].sort();
    const expectedTypes = [
      ...new Set((EXPECTED_REPLACEMENTS[id] ?? []).filter((e) => e.cloud === cloud).map((e) => e.type)),
    ].sort();
    // The detail (what changed) is in the message when this fails.
    expect({ types: actualTypes, detail: actualTypes.length === expectedTypes.length ? [] : replaced }).toEqual({
      types: expectedTypes,
      detail: [],
    });
  });
});

describe('AWS: @aws-cdk/cloudformation-diff between the templates', () => {
  test.each(list.map((s) => s.id))(
    '%s: no stateful resource WILL_REPLACE, MAY_REPLACE or WILL_DESTROY beyond the documented ones',
    (id) => {
      const r = resultOf(id);
      const documented = new Set((EXPECTED_REPLACEMENTS[id] ?? []).filter((e) => e.cloud === 'aws').map((e) => e.type));
      const replaced = r.changes.aws
        .filter((c) => STATEFUL_CFN_TYPES.includes(c.type) && REPLACING.has(c.effect) && !documented.has(c.type))
        .map((c) => `${c.address} ${c.effect}`);
      expect(replaced).toEqual([]);
    },
  );

  test('the grown template really grew (readers and shards added)', () => {
    const r = resultOf('grow');
    const count = (t: Template, type: string) => Object.values(t.Resources).filter((x) => x.Type === type).length;
    const before = outputOf(r.before, 'aws') as Template;
    const after = outputOf(r.after, 'aws') as Template;
    expect(count(after, 'AWS::RDS::DBCluster')).toBe(3);
    expect(count(after, 'AWS::RDS::DBInstance')).toBeGreaterThan(count(before, 'AWS::RDS::DBInstance'));
  });
});

describe('size change', () => {
  test.each(CLOUDS)('%s: every attribute a size change touches has a documented effect', (cloud) => {
    const undocumented = resultOf('size-up')
      .changes[cloud].flatMap((c) => c.paths.map((p) => ({ c, p })))
      .filter(({ c, p }) => effectFor(cloud, c, p) === undefined)
      .map(({ c, p }) => `${c.type} ${p}`);
    expect(undocumented).toEqual([]);
  });

  test.each(CLOUDS)('%s: the effects table agrees with the diff on what is replaced', (cloud) => {
    // "replaced" needs a replacement in the diff, "in place" forbids one; a rolling replacement
    // of VMs may come from an updated group (AWS) or a replaced template (GCP).
    const agrees = (kind: string, effect: ResourceChange['effect']) =>
      kind === 'rolling replacement' || (kind === 'replaced') === REPLACING.has(effect);
    const disagreements = resultOf('size-up')
      .changes[cloud].flatMap((c) => c.paths.map((p) => ({ c, e: effectFor(cloud, c, p) })))
      .filter(({ c, e }) => e !== undefined && !agrees(e.kind, c.effect))
      .map(({ c, e }) => `${c.address}: diff says ${c.effect}, table says ${e?.kind}`);
    expect(disagreements).toEqual([]);
  });

  test('every documented effect is hit by the size-up step of its cloud', () => {
    const unused = SIZE_EFFECTS.filter(
      (e) => !resultOf('size-up').changes[e.cloud].some((c) => c.paths.some((p) => effectFor(e.cloud, c, p) === e)),
    ).map((e) => `${e.cloud} ${e.type} ${e.paths.join(',')}`);
    expect(unused).toEqual([]);
  });
});

/* The checks must be able to fail: break a copy of an output and the diff must say so. */
describe('the diff catches what the safety checks are for', () => {
  const base = () => resultOf('grow').before;

  test('Terraform: a renamed Cloud SQL instance is a replacement, a removed secret is destroyed', () => {
    const before = outputOf(base(), 'gcp') as TerraformJson;
    const after = structuredClone(before);
    const [[name, primary]] = Object.entries(after.resource.google_sql_database_instance ?? {}).filter(
      ([, r]) => r.master_instance_name === undefined,
    ) as Array<[string, Record<string, unknown>]>;
    primary.name = `${String(primary.name)}-x`;
    const secrets = after.resource.google_secret_manager_secret ?? {};
    const [secret] = Object.keys(secrets);
    if (secret) delete secrets[secret];
    const changes = terraformChanges(before, after);
    expect(changes).toContainEqual(
      expect.objectContaining({ address: `google_sql_database_instance.${name}`, effect: 'replaced', paths: ['name'] }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({ address: `google_secret_manager_secret.${secret}`, effect: 'destroyed' }),
    );
  });

  test('Terraform: a changed Flexible Server version is a replacement; a new SKU is not', () => {
    const before = outputOf(base(), 'azure') as TerraformJson;
    const after = structuredClone(before);
    const servers = Object.values(after.resource.azurerm_postgresql_flexible_server ?? {});
    for (const s of servers) s.sku_name = 'GP_Standard_D4ds_v5';
    const [first] = servers;
    if (first) first.version = '17';
    const effects = terraformChanges(before, after)
      .filter((c) => c.type === 'azurerm_postgresql_flexible_server')
      .map((c) => c.effect);
    expect(effects).toContain('replaced');
    expect(effects).toContain('updated');
  });

  test('AWS: cloudformation-diff reports a renamed cluster and a removed key', () => {
    const before = outputOf(base(), 'aws') as Template;
    const after = structuredClone(before);
    const [clusterId] = Object.entries(after.Resources).find(([, r]) => r.Type === 'AWS::RDS::DBCluster') ?? [];
    const [keyId] = Object.entries(after.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key') ?? [];
    const cluster = after.Resources[clusterId ?? ''];
    if (cluster?.Properties) cluster.Properties.DBClusterIdentifier = 'renamed-db';
    if (keyId) delete after.Resources[keyId];
    const changes = cloudFormationChanges(before, after);
    expect(changes).toContainEqual(expect.objectContaining({ address: clusterId, effect: 'replaced', stateful: true }));
    expect(changes).toContainEqual(expect.objectContaining({ address: keyId, effect: 'destroyed', stateful: true }));
  });
});

describe('tables', () => {
  test('every Terraform type of the force-new table occurs in a synthesized output', () => {
    const seen = new Set(
      results.flatMap((r) =>
        (['gcp', 'azure'] as Cloud[]).flatMap((c) =>
          [r.before, r.after].flatMap((s) => Object.keys((s[c] as TerraformJson).resource)),
        ),
      ),
    );
    expect(Object.keys(FORCE_NEW).filter((t) => !seen.has(t))).toEqual([]);
  });

  test('every documented replacement names a scenario that exists', () => {
    expect(Object.keys(EXPECTED_REPLACEMENTS).filter((id) => !list.some((s) => s.id === id))).toEqual([]);
  });
});

test(`${README_SECTION} carries the current size-change effects (regenerate with \`npm run parity\`)`, () => {
  const committed = fs.readFileSync(path.join(ROOT, README_SECTION), 'utf8');
  expect(committed).toContain(readmeSafety(list, resultOf('size-up').changes));
});
