import * as fs from 'node:fs';
import * as path from 'node:path';
import { statefulClass } from '../../lib/change/stateful';
import type { CfnTemplate, Change, TerraformConfig } from '../../lib/change/types';
import { CLOUDS, type Cloud } from '../../lib/constants';
import { README_SECTION } from '../parity/generate';
import { COMPONENT_OF, componentOf, EXPECTED } from './expectations';
import { readmeSafety } from './report';
import { changesOf, runScenarios, type ScenarioResult } from './run';
import { scenarios } from './scenarios';

/*
 * Stateful safety, on the change model `blueprint diff` uses: growing a spec never loses, replaces
 * or fails on a database, replica, cache, secret, key, password or network resource, and never
 * needs attention, except the documented (EXPECTED) changes. Each scenario's specs are
 * synthesized once for all clouds (beforeAll).
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

/** A change the suite holds to the documentation: risky, or a stateful resource replaced / deleted / failing. */
const watched = (c: Change) =>
  c.risk !== 'none' || (statefulClass(c.type) !== undefined && ['replace', 'delete', 'fails'].includes(c.action));

const key = (x: { type: string; action: string; risk: string }) => `${x.type} ${x.action} ${x.risk}`;

/** Stateful addresses of one cloud's output (logical ids / Terraform addresses). */
function statefulAddresses(output: CfnTemplate | TerraformConfig | undefined): string[] {
  if (output === undefined) return [];
  if ('Resources' in output) {
    const t = output as CfnTemplate;
    return Object.keys(t.Resources).filter((id) => statefulClass(t.Resources[id]?.Type ?? '') !== undefined);
  }
  const tf = output as TerraformConfig;
  return Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, config]) => statefulClass(type, config) !== undefined)
      .map(([name]) => `${type}.${name}`),
  );
}

describe.each(list.map((s) => [s.id, s.description] as const))('%s: %s', (id) => {
  test.each(CLOUDS)('%s: the changes that need attention are exactly the documented ones', (cloud) => {
    // GIVEN the step's report WHEN we keep the watched changes THEN they equal EXPECTED (detail on failure)
    const actual = changesOf(resultOf(id), cloud).filter(watched);
    const expected = (EXPECTED[id] ?? []).filter((e) => e.cloud === cloud);
    const detail = actual
      .filter((c) => !expected.some((e) => key(e) === key(c)))
      .map((c) => `${c.resource} ${c.action} ${c.risk}: ${c.reason}`);
    expect({ changes: [...new Set(actual.map(key))].sort(), undocumented: detail }).toEqual({
      changes: [...new Set(expected.map(key))].sort(),
      undocumented: [],
    });
  });

  test.each(CLOUDS)(
    '%s: every stateful address of the old output survives, or its delete is in the report',
    (cloud) => {
      const r = resultOf(id);
      const kept = new Set(statefulAddresses(r.after.outputs[cloud]));
      const reported = new Set(
        changesOf(r, cloud)
          .filter((c) => c.action === 'delete' || c.action === 'fails')
          .map((c) => c.resource),
      );
      const lost = statefulAddresses(r.before.outputs[cloud]).filter((a) => !kept.has(a) && !reported.has(a));
      expect(lost).toEqual([]);
    },
  );
});

describe('the growth steps really grow', () => {
  test('grow: the AWS template gains shards and readers', () => {
    const r = resultOf('grow');
    const created = changesOf(r, 'aws').filter((c) => c.action === 'create');
    expect(created.filter((c) => c.type === 'AWS::RDS::DBCluster')).toHaveLength(2);
    expect(created.filter((c) => c.type === 'AWS::RDS::DBInstance').length).toBeGreaterThan(2);
  });

  test('zones: AWS and Azure spread over the third zone; GCP plans no change and the report says why (no step is silently a no-op)', () => {
    const r = resultOf('zones');
    expect(changesOf(r, 'aws').filter((c) => c.type === 'AWS::EC2::Subnet' && c.action === 'create')).toHaveLength(3);
    expect(changesOf(r, 'azure').find((c) => c.type === 'azurerm_linux_virtual_machine_scale_set')).toMatchObject({
      action: 'rolling',
      attributes: ['zones'],
    });
    expect(changesOf(r, 'gcp')).toEqual([]);
    expect(r.report.clouds.gcp?.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/distribution_policy_zones changed .*ignore_changes/)]),
    );
  });
});

describe('size change', () => {
  test.each(CLOUDS)('%s: every resource a size change touches belongs to a documented component', (cloud) => {
    const unexplained = changesOf(resultOf('size-up'), cloud)
      .filter((c) => componentOf(c) === undefined)
      .map((c) => `${c.type} ${c.attributes.join(',')}`);
    expect(unexplained).toEqual([]);
  });

  test.each(CLOUDS)('%s: each size change has an effect the model explains (a rule or an in-place update)', (cloud) => {
    const changes = changesOf(resultOf('size-up'), cloud);
    for (const c of changes) expect(c.reason).not.toBe('');
    const byComponent = (component: string) => changes.some((c) => componentOf(c) === component);
    expect([byComponent('compute'), byComponent('database')]).toEqual([true, true]);
  });

  test('every component type is touched by the size-up step of its cloud', () => {
    const cloudOf = (type: string): Cloud =>
      /^(AWS|Custom)::/.test(type) ? 'aws' : type.startsWith('google_') ? 'gcp' : 'azure';
    const unused = Object.keys(COMPONENT_OF).filter(
      (type) => !changesOf(resultOf('size-up'), cloudOf(type)).some((c) => c.type === type),
    );
    expect(unused).toEqual([]);
  });
});

describe('tables', () => {
  test('every documented expectation names a scenario that exists', () => {
    expect(Object.keys(EXPECTED).filter((id) => !list.some((s) => s.id === id))).toEqual([]);
  });
});

test(`${README_SECTION} carries the current safety section (regenerate with \`npm run parity\`)`, () => {
  const committed = fs.readFileSync(path.join(ROOT, README_SECTION), 'utf8');
  expect(committed).toContain(readmeSafety(results));
});
