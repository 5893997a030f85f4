import Ajv2020 from 'ajv/dist/2020';
import { specJsonSchema } from '../../lib/spec';
import { exampleSpec, presetSpec } from '../fixtures';

describe('JSON Schema', () => {
  const schema = specJsonSchema();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const check = ajv.compile(schema);

  it('accepts the example spec and every minimal preset spec', () => {
    expect(check(exampleSpec())).toBe(true);
    for (const env of ['dev', 'staging', 'prod'] as const) expect(check(presetSpec(env))).toBe(true);
  });

  it('rejects an invalid spec, naming the fields', () => {
    const bad = { ...presetSpec('prod'), environment: 'production', compute: { maxInstance: 3, app: { image: 'x' } } };
    expect(check(bad)).toBe(false);
    const where = (check.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
    expect(where.join('\n')).toContain('/environment enum');
    expect(where.join('\n')).toContain('additionalProperty":"maxInstance"');
  });

  it('documents every field with a description, and defaults on optional fields', () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      const props = node.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, child] of Object.entries(props ?? {})) {
        const described =
          child.description ?? (child.anyOf as Array<Record<string, unknown>> | undefined)?.[0]?.description;
        if (typeof described !== 'string') missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
        const items = child.items as Record<string, unknown> | undefined;
        if (items?.properties) walk(items, `${path}${key}[].`);
      }
    };
    walk(schema, '');
    expect(missing).toEqual([]);
  });

  it('is generated from the same zod object (title and closed objects)', () => {
    expect(schema.title).toBe('Scaling blueprint spec');
    expect(schema.additionalProperties).toBe(false);
    expect((schema.required as string[]).sort()).toEqual(['alerts', 'compute', 'environment', 'name']);
  });
});
