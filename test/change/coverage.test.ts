import * as fs from 'node:fs';
import * as path from 'node:path';
import { CUSTOM_NAMES, isCustomResource } from '../../lib/change/aws';
import { isObject } from '../../lib/change/paths';
import { RULES } from '../../lib/change/rules';
import { STATEFUL } from '../../lib/change/stateful';
import { governingAttribute, schemaOf } from '../../lib/change/terraform';
import { CUSTOMIZE_DIFF, IN_USE, UPDATE_RECREATES } from '../../lib/change/terraform-facts';
import { TERRAFORM_SCHEMAS } from '../../lib/change/terraform-schema';
import type { Side } from '../../lib/change/types';
import { CLOUDS } from '../../lib/constants';
import { schemaProperties } from '../../stacks/change-aws';
import { parityMatrix } from '../parity/matrix';
import { synthesizedOutputs } from '../support/outputs';

/*
 * Coverage of the model: every preset, the example and the parity matrix specs synthesized (the
 * matrix holds all three presets and the example); every resource type the stacks emit must have
 * a model entry, and every attribute they set must exist in that type's provider schema (a typo or
 * a new type nobody modelled fails here).
 */

const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each']);
/** Emitted properties the CloudFormation schema of @aws-cdk/aws-service-spec lacks, each with why it is right. */
const AWS_SCHEMA_EXCEPTIONS: Readonly<Record<string, string>> = {
  'AWS::RDS::DBProxyTargetGroup Tags':
    'aws-cdk-lib 2.276 tags DBProxyTargetGroup from a newer resource schema than the @aws-cdk/aws-service-spec 0.1.216 that @aws-cdk/cloudformation-diff 2.187.5 ships',
};

let outputs: Side['outputs'][] = [];
beforeAll(() => {
  outputs = parityMatrix().map((m) => synthesizedOutputs(m.spec, CLOUDS));
});

/** Every leaf path a resource sets (lists flattened, no indices). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.some(isObject) ? value.flatMap((v) => leafPaths(v, prefix)) : [prefix];
  if (isObject(value)) {
    return Object.entries(value)
      .filter(([k]) => prefix !== '' || !META.has(k))
      .flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

function terraformEmitted(): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const o of outputs) {
    for (const tf of [o.gcp, o.azure]) {
      for (const [type, byName] of Object.entries(tf?.resource ?? {})) {
        const paths = seen.get(type) ?? new Set<string>();
        for (const config of Object.values(byName)) for (const p of leafPaths(config)) paths.add(p);
        seen.set(type, paths);
      }
    }
  }
  return seen;
}

describe('Terraform', () => {
  test('every emitted resource type has schema facts (provider, version, source file)', () => {
    const missing = [...terraformEmitted().keys()].filter((t) => schemaOf(t) === undefined);
    expect(missing).toEqual([]);
    for (const t of terraformEmitted().keys()) expect(schemaOf(t)?.source).toMatch(/\.go/);
  });

  test('every emitted attribute exists in its type’s schema (a map’s keys are free) and is settable', () => {
    const wrong: string[] = [];
    for (const [type, paths] of terraformEmitted()) {
      const schema = schemaOf(type);
      if (!schema) continue;
      for (const p of paths) {
        const g = governingAttribute(schema, p);
        const flags = g === undefined ? '' : (schema.attributes[g] ?? '');
        if (g === undefined || (g !== p && !flags.includes('M')))
          wrong.push(`${type} ${p}: not in ${schema.provider} ${schema.version}`);
        else if (flags.includes('C')) wrong.push(`${type} ${p}: computed only`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('every type whose provider has a CustomizeDiff was read by hand, and what it forces exists', () => {
    const unread = Object.entries(TERRAFORM_SCHEMAS)
      .filter(([t, s]) => s.customizeDiff && CUSTOMIZE_DIFF[t] === undefined)
      .map(([t]) => t);
    expect(unread).toEqual([]);
    const missing = Object.entries(CUSTOMIZE_DIFF).flatMap(([t, fact]) =>
      fact.forces.filter((f) => schemaOf(t)?.attributes[f.attribute] === undefined).map((f) => `${t} ${f.attribute}`),
    );
    expect(missing).toEqual([]);
  });

  test('the fact tables name only modelled types and attributes', () => {
    for (const t of [...Object.keys(IN_USE), ...Object.keys(UPDATE_RECREATES)]) {
      if (t !== 'google_compute_instance_template') expect(schemaOf(t)).toBeDefined();
    }
    for (const [t, f] of Object.entries(UPDATE_RECREATES)) {
      for (const p of f.paths) expect(schemaOf(t)?.attributes[p]).toBeDefined();
    }
  });
});

describe('AWS', () => {
  const emitted = () => {
    const seen = new Map<string, Set<string>>();
    for (const o of outputs) {
      for (const r of Object.values(o.aws?.Resources ?? {})) {
        const props = seen.get(r.Type) ?? new Set<string>();
        for (const k of Object.keys(r.Properties ?? {})) props.add(k);
        seen.set(r.Type, props);
      }
    }
    return seen;
  };

  test('every emitted type has a custom-name entry and a CloudFormation schema', () => {
    const types = [...emitted().keys()];
    expect(types.filter((t) => !(t in CUSTOM_NAMES))).toEqual([]);
    expect(types.filter((t) => schemaProperties(t) === undefined)).toEqual([]);
  });

  test('every emitted property exists in its type’s CloudFormation schema (documented exceptions aside)', () => {
    const wrong: string[] = [];
    for (const [type, props] of emitted()) {
      const known = new Set(schemaProperties(type) ?? []);
      // A custom resource's other properties are its provider's: CloudFormation passes them verbatim.
      const free = isCustomResource(type);
      for (const p of props) {
        if (!known.has(p) && !free && !AWS_SCHEMA_EXCEPTIONS[`${type} ${p}`]) wrong.push(`${type} ${p}`);
      }
      if (free) expect([type, props.has('ServiceToken')]).toEqual([type, true]);
    }
    expect(wrong).toEqual([]);
    for (const [type, prop] of Object.entries(CUSTOM_NAMES)) if (prop) expect(schemaProperties(type)).toContain(prop);
  });
});

describe('rules', () => {
  // The model's code without the RULES table itself, so an id counts as used only where a rule applies it.
  const source = ['terraform.ts', 'conditions.ts', 'aws.ts', 'rules.ts']
    .map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'change', f), 'utf8'))
    .join('\n')
    .replace(/export const RULES[\s\S]*?\n\};\n/, '');

  test('every rule id the model applies is in the RULES table with a source, and every entry is used', () => {
    const applied = new Set(
      [...source.matchAll(/'((?:tf|aws|gcp|azure|cdn|spec|cache)-[a-z0-9-]+)'/g)].map((m) => m[1] ?? ''),
    );
    expect([...applied].filter((id) => RULES[id] === undefined)).toEqual([]);
    expect(Object.keys(RULES).filter((id) => !applied.has(id))).toEqual([]);
    for (const r of Object.values(RULES)) expect(r.source.length).toBeGreaterThan(10);
  });

  test('every stateful type is one the stacks can emit (no stale entries)', () => {
    const known = (t: string) => (t.startsWith('AWS::') ? t in CUSTOM_NAMES : schemaOf(t) !== undefined);
    expect(Object.keys(STATEFUL).filter((t) => !known(t))).toEqual([]);
  });
});
